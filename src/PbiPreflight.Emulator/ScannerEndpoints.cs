using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// The scanner API: getInfo, scanStatus and scanResult (api-facts §2.4). What a result contains
/// follows the getInfo switches and the caller's "Enhance admin APIs responses" settings.
/// </summary>
public sealed class ScannerEndpoints(PowerBiAccess access, ScanStore scans, TimeProvider clock)
{
    private const int MaxWorkspacesPerScan = 100;
    private const string ScannerPath = "/v1.0/myorg/admin/workspaces";

    /// <summary>Adds the routes.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost(ScannerPath + "/getInfo", GetInfoAsync);
        routes.MapGet(ScannerPath + "/scanStatus/{scanId}", ScanStatusAsync);
        routes.MapGet(ScannerPath + "/scanResult/{scanId}", ScanResultAsync);
    }

    private async Task GetInfoAsync(HttpContext context)
    {
        var caller = await access.AuthenticateAdminAsync(context);
        if (caller is null)
        {
            return;
        }

        var query = context.Request.Query;
        var flags = new bool[5];
        string[] names = ["lineage", "datasourceDetails", "datasetSchema", "datasetExpressions", "getArtifactUsers"];
        for (var i = 0; i < names.Length; i++)
        {
            var text = query[names[i]].ToString();
            if (text.Length > 0 && !bool.TryParse(text, out flags[i]))
            {
                await PowerBiAccess.InvalidRequestAsync(context, $"The value '{text}' is not valid for {names[i]}.");
                return;
            }
        }

        var ids = await ReadWorkspaceIdsAsync(context);
        if (ids is null)
        {
            await PowerBiAccess.InvalidRequestAsync(
                context, "The request body must be {\"workspaces\": [...]} with 1 to 100 workspace ids.");
            return;
        }

        var now = clock.GetUtcNow();
        var options = new ScanOptions(flags[0], flags[1], flags[2], flags[3], flags[4]);
        var job = new ScanJob(Guid.NewGuid().ToString(), caller.Tenant, now, ids, options, caller.Access);
        scans.Add(job);

        context.Response.Headers.Location = $"{PowerBiEndpoints.BaseUrl(context)}{ScannerPath}/scanStatus/{job.Id}";
        await HttpJson.WriteAsync(context, StatusCodes.Status202Accepted, StatusBody(job, ScanState.NotStarted));
    }

    private async Task ScanStatusAsync(HttpContext context)
    {
        var caller = await access.AuthenticateAdminAsync(context);
        if (caller is null)
        {
            return;
        }

        // A scan belongs to the tenant that asked for it; another tenant's caller cannot see it.
        var job = scans.Find((string)context.GetRouteValue("scanId")!, caller.Tenant);
        if (job is null)
        {
            await PowerBiAccess.EntityNotFoundAsync(context);
            return;
        }

        var state = ScanStore.StateOf(job, job.Tenant.Model, clock.GetUtcNow());
        if (state == ScanState.Succeeded)
        {
            context.Response.Headers.Location = $"{PowerBiEndpoints.BaseUrl(context)}{ScannerPath}/scanResult/{job.Id}";
        }

        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, StatusBody(job, state));
    }

    private async Task ScanResultAsync(HttpContext context)
    {
        var caller = await access.AuthenticateAdminAsync(context);
        if (caller is null)
        {
            return;
        }

        // A result exists only once the scan has succeeded; before that, and for a failed scan,
        // there is no entity to return.
        var tenant = caller.Tenant;
        var job = scans.Find((string)context.GetRouteValue("scanId")!, tenant);
        if (job is null || ScanStore.StateOf(job, tenant.Model, clock.GetUtcNow()) != ScanState.Succeeded)
        {
            await PowerBiAccess.EntityNotFoundAsync(context);
            return;
        }

        var datasources = new Dictionary<string, Datasource>(StringComparer.OrdinalIgnoreCase);
        var workspaces = new JsonArray();
        foreach (var id in job.WorkspaceIds.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (tenant.Workspaces.Find(id) is { } workspace)
            {
                workspaces.Add(WorkspaceInfo(workspace, job));
                foreach (var source in workspace.Datasets.SelectMany(d => d.Datasources))
                {
                    datasources.TryAdd(source.DatasourceId, source);
                }
            }
        }

        var instances = job.Options.DatasourceDetails
            ? datasources.Values.Select(s => (JsonNode)DatasourceInstance(s))
            : [];
        var body = new JsonObject
        {
            ["workspaces"] = workspaces,
            ["datasourceInstances"] = new JsonArray([.. instances]),
            ["misconfiguredDatasourceInstances"] = new JsonArray(),
        };
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private static async Task<List<string>?> ReadWorkspaceIdsAsync(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(
                context.Request.Body, cancellationToken: context.RequestAborted);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("workspaces", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var ids = new List<string>();
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out _))
                {
                    return null;
                }

                ids.Add(item.GetString()!);
            }

            return ids.Count is >= 1 and <= MaxWorkspacesPerScan ? ids : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject StatusBody(ScanJob job, ScanState state)
    {
        var body = new JsonObject
        {
            ["id"] = job.Id,
            ["createdDateTime"] = PowerBiEndpoints.Iso(job.Created),
            ["status"] = state.ToString(),
        };

        if (state == ScanState.Failed)
        {
            var error = job.Tenant.Model.Scan.Error;
            body["error"] = new JsonObject
            {
                ["code"] = error.Code,
                ["message"] = error.Message,
                ["target"] = error.Target,
            };
        }

        return body;
    }

    private static JsonObject WorkspaceInfo(Workspace workspace, ScanJob job)
    {
        var info = new JsonObject
        {
            ["id"] = workspace.Id,
            ["name"] = workspace.Name,
        };

        if (workspace.Description is not null)
        {
            info["description"] = workspace.Description;
        }

        info["type"] = workspace.Type;
        info["state"] = workspace.State;
        info["isOnDedicatedCapacity"] = workspace.IsOnDedicatedCapacity;
        if (workspace.IsOnDedicatedCapacity && workspace.CapacityId is not null)
        {
            info["capacityId"] = workspace.CapacityId;
            info["defaultDatasetStorageFormat"] = "Small";
        }

        info["reports"] = new JsonArray([.. workspace.Reports.Select(r => (JsonNode)ReportInfo(r, job))]);
        info["dashboards"] = new JsonArray();
        info["datasets"] = new JsonArray([.. workspace.Datasets.Select(d => (JsonNode)DatasetInfo(d, job))]);
        info["dataflows"] = new JsonArray();
        info["datamarts"] = new JsonArray();
        if (job.Options.ArtifactUsers)
        {
            info["users"] = new JsonArray([.. PowerBiEndpoints.WorkspaceUsers(job.Tenant, workspace)]);
        }

        return info;
    }

    private static JsonObject ReportInfo(Report report, ScanJob job)
    {
        var info = new JsonObject
        {
            ["id"] = report.Id,
            ["name"] = report.Name,
            ["datasetId"] = report.DatasetId,
            ["reportType"] = report.ReportType,
            ["createdDateTime"] = "2024-02-01T10:00:00.000Z",
            ["modifiedDateTime"] = "2024-03-01T10:00:00.000Z",
        };

        if (job.Options.ArtifactUsers)
        {
            info["users"] = new JsonArray();
        }

        return info;
    }

    private static JsonObject DatasetInfo(Dataset dataset, ScanJob job)
    {
        var info = new JsonObject
        {
            ["id"] = dataset.Id,
            ["name"] = dataset.Name,
            ["configuredBy"] = dataset.ConfiguredBy,
            ["targetStorageMode"] = dataset.TargetStorageMode,
            ["createdDate"] = dataset.CreatedDate,
            ["contentProviderType"] = dataset.ContentProviderType,
            ["isEffectiveIdentityRequired"] = false,
            ["isEffectiveIdentityRolesRequired"] = false,
        };

        // Sub-artifact metadata comes from the model cache: only with the detailed-metadata setting,
        // only for a dataset that has been refreshed, never for one the scanner cannot read. When
        // it is missing there is no error, the fields are just absent.
        var options = job.Options;
        var hasCache = job.Access.DetailedMetadata && !dataset.NeverRefreshed && dataset.SchemaRetrievalError is null;
        var withExpressions = hasCache && options.DatasetExpressions && job.Access.Expressions;

        if (hasCache && options.DatasetSchema)
        {
            info["tables"] = new JsonArray([.. dataset.Tables.Select(t => (JsonNode)TableInfo(t, withExpressions))]);
        }

        if (withExpressions)
        {
            info["expressions"] = new JsonArray([.. dataset.Expressions.Select(e => (JsonNode)new JsonObject
            {
                ["name"] = e.Name,
                ["expression"] = e.Expression,
            })]);
        }

        if (dataset.SchemaRetrievalError is not null && options.DatasetSchema)
        {
            info["schemaRetrievalError"] = dataset.SchemaRetrievalError;
        }

        if (options.Lineage)
        {
            info["datasourceUsages"] = new JsonArray([.. dataset.Datasources.Select(s => (JsonNode)new JsonObject
            {
                ["datasourceInstanceId"] = s.DatasourceId,
            })]);
            info["misconfiguredDatasourceUsages"] = new JsonArray();
        }

        if (options.ArtifactUsers)
        {
            info["users"] = new JsonArray();
        }

        return info;
    }

    private static JsonObject TableInfo(DatasetTable table, bool withExpressions)
    {
        var info = new JsonObject
        {
            ["name"] = table.Name,
            ["columns"] = new JsonArray([.. table.Columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["dataType"] = c.DataType,
                ["isHidden"] = c.IsHidden,
            })]),
            ["measures"] = new JsonArray([.. table.Measures.Select(m =>
            {
                var measure = new JsonObject { ["name"] = m.Name };
                if (withExpressions)
                {
                    measure["expression"] = m.Expression;
                }

                measure["isHidden"] = m.IsHidden;
                return (JsonNode)measure;
            })]),
            ["isHidden"] = table.IsHidden,
        };

        if (withExpressions && table.Source is not null)
        {
            info["source"] = new JsonArray(new JsonObject { ["expression"] = table.Source });
        }

        return info;
    }

    private static JsonObject DatasourceInstance(Datasource source)
    {
        var instance = new JsonObject
        {
            ["datasourceType"] = source.DatasourceType,
            ["connectionDetails"] = source.ConnectionDetails.DeepClone(),
            ["datasourceId"] = source.DatasourceId,
        };

        if (source.GatewayId is not null)
        {
            instance["gatewayId"] = source.GatewayId;
        }

        return instance;
    }
}
