using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// The Power BI list APIs under <c>/v1.0/myorg/</c>: GET groups, GET admin/groups,
/// admin/workspaces/modified and the admin refreshables (api-facts §2.2, §2.3, §2.4, §2.5).
/// </summary>
public sealed class PowerBiEndpoints(PowerBiAccess access, TimeProvider clock)
{
    /// <summary>The properties <c>$filter</c> may use on workspaces.</summary>
    public static readonly IReadOnlySet<string> WorkspaceFields = Names(
        "id", "name", "type", "state", "description", "capacityId", "isOnDedicatedCapacity", "isReadOnly");

    private static readonly IReadOnlySet<string> NoExpand = Names();

    private static readonly IReadOnlySet<string> AdminGroupExpand = Names(
        "users", "reports", "dashboards", "datasets", "dataflows", "workbooks");

    private static readonly IReadOnlySet<string> RefreshableFields = Names("id", "name", "kind");

    // The example in the docs spells the expansions "capacity,group", the parameter text
    // "capacities,groups"; which one the service takes is unconfirmed, so both are accepted.
    private static readonly IReadOnlySet<string> RefreshableExpand = Names("capacity", "group", "capacities", "groups");

    private const int AdminGroupsMaxTop = 5000;

    /// <summary>Adds the routes.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/myorg/groups", GroupsAsync);
        routes.MapGet("/v1.0/myorg/admin/groups", AdminGroupsAsync);
        routes.MapGet("/v1.0/myorg/admin/workspaces/modified", ModifiedAsync);
        routes.MapGet("/v1.0/myorg/admin/capacities/refreshables", RefreshablesAsync);
        routes.MapGet("/v1.0/myorg/admin/capacities/{capacityId}/refreshables", RefreshablesAsync);
    }

    /// <summary>A workspace property by its OData name, for <c>$filter</c>.</summary>
    public static object? WorkspaceField(Workspace workspace, string name) => name switch
    {
        "id" => workspace.Id,
        "name" => workspace.Name,
        "type" => workspace.Type,
        "state" => workspace.State,
        "description" => workspace.Description,
        "capacityId" => workspace.CapacityId,
        "isOnDedicatedCapacity" => workspace.IsOnDedicatedCapacity,
        "isReadOnly" => workspace.IsReadOnly,
        _ => null,
    };

    private async Task GroupsAsync(HttpContext context)
    {
        var caller = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return;
        }

        var tenant = caller.Tenant;
        if (!caller.Access.PublicApis)
        {
            await PowerBiAccess.NotAuthorizedAsync(context);
            return;
        }

        var query = ODataQuery.Parse(context.Request.Query, WorkspaceFields, NoExpand, out var error);
        if (query is null)
        {
            await PowerBiAccess.InvalidRequestAsync(context, error!);
            return;
        }

        // A caller sees the active shared workspaces it is a member of (a user's own personal
        // workspace is not modelled). Generated workspaces have no members, so only explicit ones qualify.
        var visible = tenant.Workspaces.Explicit
            .Where(caller.Token.IsMemberOf)
            .Where(w => w.State == "Active" && w.Type is not ("PersonalGroup" or "Personal"))
            .Where(w => query.Filter?.Matches(f => WorkspaceField(w, f)) ?? true)
            .ToList();

        var page = visible.Skip(query.Skip).Take(query.Top ?? int.MaxValue).Select(w => GroupItem(w, admin: false));
        var body = new JsonObject
        {
            ["@odata.context"] = $"{BaseUrl(context)}/v1.0/myorg/$metadata#groups",
            ["@odata.count"] = visible.Count,
            ["value"] = new JsonArray([.. page]),
        };
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task AdminGroupsAsync(HttpContext context)
    {
        var caller = await access.AuthenticateAdminAsync(context);
        if (caller is null)
        {
            return;
        }

        var tenant = caller.Tenant;

        var query = ODataQuery.Parse(context.Request.Query, WorkspaceFields, AdminGroupExpand, out var error);
        if (query is null)
        {
            await PowerBiAccess.InvalidRequestAsync(context, error!);
            return;
        }

        if (query.Top is not (>= 1 and <= AdminGroupsMaxTop))
        {
            await PowerBiAccess.InvalidRequestAsync(
                context, $"The $top query option is required and must be between 1 and {AdminGroupsMaxTop}.");
            return;
        }

        // Page before building any JSON so a tenant of 100,000 generated workspaces stays cheap.
        var catalog = tenant.Workspaces;
        List<Workspace> page;
        int count;
        if (query.Filter is null)
        {
            count = catalog.Count;
            page = [];
            for (var i = query.Skip; i < count && page.Count < query.Top; i++)
            {
                page.Add(catalog[i]);
            }
        }
        else
        {
            count = 0;
            page = [];
            foreach (var workspace in catalog.All())
            {
                if (!query.Filter.Matches(f => WorkspaceField(workspace, f)))
                {
                    continue;
                }

                if (count >= query.Skip && page.Count < query.Top)
                {
                    page.Add(catalog.WithContent(workspace));
                }

                count++;
            }
        }

        var items = page.Select(w => AdminGroupItem(tenant, w, query.Expand));
        var body = new JsonObject
        {
            ["@odata.context"] = $"{BaseUrl(context)}/v1.0/myorg/admin/$metadata#groups",
            ["@odata.count"] = count,
            ["value"] = new JsonArray([.. items]),
        };
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task ModifiedAsync(HttpContext context)
    {
        var caller = await access.AuthenticateAdminAsync(context);
        if (caller is null)
        {
            return;
        }

        var tenant = caller.Tenant;

        var request = context.Request.Query;
        if (!TryReadFlag(request, "excludePersonalWorkspaces", out var excludePersonal)
            || !TryReadFlag(request, "excludeInActiveWorkspaces", out var excludeInactive))
        {
            await PowerBiAccess.InvalidRequestAsync(
                context, "excludePersonalWorkspaces and excludeInActiveWorkspaces must be true or false.");
            return;
        }

        var modifiedSince = request["modifiedSince"].ToString();
        if (modifiedSince.Length > 0)
        {
            var now = clock.GetUtcNow();
            var parsed = DateTimeOffset.TryParse(
                modifiedSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since);
            if (!parsed || since < now.AddDays(-30) || since > now.AddMinutes(-30))
            {
                await PowerBiAccess.InvalidRequestAsync(
                    context, "modifiedSince must be an ISO-8601 UTC time between 30 minutes and 30 days ago.");
                return;
            }
        }

        // The model keeps no modification times, so every workspace counts as modified. The reply
        // is a bare array, streamed because it may hold every workspace of a large tenant.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = HttpJson.ContentType;
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartArray();
        var written = 0;
        foreach (var workspace in tenant.Workspaces.All())
        {
            if ((excludePersonal && workspace.Type is "PersonalGroup" or "Personal")
                || (excludeInactive && workspace.State != "Active"))
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("id", workspace.Id);
            writer.WriteEndObject();
            if (++written % 1000 == 0)
            {
                await writer.FlushAsync(context.RequestAborted);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(context.RequestAborted);
    }

    private async Task RefreshablesAsync(HttpContext context)
    {
        var caller = await access.AuthenticateAdminAsync(context);
        if (caller is null)
        {
            return;
        }

        var tenant = caller.Tenant;

        var capacityId = context.GetRouteValue("capacityId") as string;
        if (capacityId is not null && tenant.FindCapacity(capacityId) is null)
        {
            await PowerBiAccess.EntityNotFoundAsync(context);
            return;
        }

        var query = ODataQuery.Parse(context.Request.Query, RefreshableFields, RefreshableExpand, out var error);
        if (query is null)
        {
            await PowerBiAccess.InvalidRequestAsync(context, error!);
            return;
        }

        if (query.Top is not >= 1)
        {
            await PowerBiAccess.InvalidRequestAsync(
                context, "The $top query option is required and must be at least 1.");
            return;
        }

        var expandCapacity = query.Expand.Contains("capacity") || query.Expand.Contains("capacities");
        var expandGroup = query.Expand.Contains("group") || query.Expand.Contains("groups");
        var items = tenant.Model.Refreshables
            .Where(r => capacityId is null
                || string.Equals(r.CapacityId, capacityId, StringComparison.OrdinalIgnoreCase))
            .Where(r => query.Filter?.Matches(f => RefreshableField(r, f)) ?? true)
            .Skip(query.Skip)
            .Take(query.Top.Value)
            .Select(r => RefreshableItem(tenant, r, expandCapacity, expandGroup));

        var body = new JsonObject
        {
            ["@odata.context"] = $"{BaseUrl(context)}/v1.0/myorg/admin/$metadata#refreshables",
            ["value"] = new JsonArray([.. items]),
        };
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private static JsonObject GroupItem(Workspace workspace, bool admin)
    {
        var item = new JsonObject
        {
            ["id"] = workspace.Id,
            ["isReadOnly"] = workspace.IsReadOnly,
            ["isOnDedicatedCapacity"] = workspace.IsOnDedicatedCapacity,
        };

        if (workspace.IsOnDedicatedCapacity && workspace.CapacityId is not null)
        {
            item["capacityId"] = workspace.CapacityId;
            item["defaultDatasetStorageFormat"] = "Small";
        }

        item["type"] = workspace.Type;
        if (admin)
        {
            item["state"] = workspace.State;
            if (workspace.Description is not null)
            {
                item["description"] = workspace.Description;
            }
        }

        item["name"] = workspace.Name;
        return item;
    }

    private static JsonObject AdminGroupItem(EmulatedTenant tenant, Workspace workspace, IReadOnlySet<string> expand)
    {
        var item = GroupItem(workspace, admin: true);
        if (expand.Contains("users"))
        {
            item["users"] = new JsonArray([.. WorkspaceUsers(tenant, workspace)]);
        }

        if (expand.Contains("reports"))
        {
            item["reports"] = new JsonArray([.. workspace.Reports.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["reportType"] = r.ReportType,
                ["name"] = r.Name,
                ["datasetId"] = r.DatasetId,
            })]);
        }

        if (expand.Contains("dashboards"))
        {
            item["dashboards"] = new JsonArray();
        }

        if (expand.Contains("datasets"))
        {
            item["datasets"] = new JsonArray([.. workspace.Datasets.Select(d => (JsonNode)new JsonObject
            {
                ["id"] = d.Id,
                ["name"] = d.Name,
                ["configuredBy"] = d.ConfiguredBy,
                ["isRefreshable"] = !d.NeverRefreshed,
                ["targetStorageMode"] = d.TargetStorageMode,
                ["createdDate"] = d.CreatedDate,
                ["contentProviderType"] = d.ContentProviderType,
            })]);
        }

        if (expand.Contains("dataflows"))
        {
            item["dataflows"] = new JsonArray();
        }

        if (expand.Contains("workbooks"))
        {
            item["workbooks"] = new JsonArray();
        }

        return item;
    }

    /// <summary>A workspace's users in GroupUser shape: its service principal members, then the listed users.</summary>
    public static IEnumerable<JsonNode> WorkspaceUsers(EmulatedTenant tenant, Workspace workspace)
    {
        foreach (var member in workspace.Members)
        {
            yield return new JsonObject
            {
                ["groupUserAccessRight"] = "Member",
                ["displayName"] = tenant.FindAppByServicePrincipal(member)?.DisplayName ?? member,
                ["identifier"] = member,
                ["graphId"] = member,
                ["principalType"] = "App",
            };
        }

        foreach (var user in workspace.Users)
        {
            yield return user.DeepClone();
        }
    }

    private static object? RefreshableField(Refreshable refreshable, string name) => name switch
    {
        "id" => refreshable.Id,
        "name" => refreshable.Name,
        "kind" => refreshable.Kind,
        _ => null,
    };

    private static JsonObject RefreshableItem(
        EmulatedTenant tenant, Refreshable refreshable, bool expandCapacity, bool expandGroup)
    {
        // Times hang off the emulator's start so repeated reads agree, like a real 7-day window.
        var windowEnd = tenant.StartedAt;
        var lastStart = windowEnd.AddHours(-2);
        var lastRefresh = new JsonObject
        {
            ["refreshType"] = "Scheduled",
            ["startTime"] = Iso(lastStart),
        };

        // An in-flight refresh reports "Unknown" and has no end time yet.
        if (refreshable.LastRefreshStatus != "Unknown")
        {
            lastRefresh["endTime"] = Iso(lastStart.AddMinutes(3));
        }

        lastRefresh["status"] = refreshable.LastRefreshStatus;
        lastRefresh["requestId"] = EmulatedTenant.StableGuid(refreshable.Id);
        if (refreshable.LastRefreshStatus == "Failed")
        {
            lastRefresh["serviceExceptionJson"] = new JsonObject
            {
                ["errorCode"] = "ModelRefreshFailed_CredentialsNotSpecified",
                ["errorDescription"] = "The data source credentials are missing or not valid.",
            }.ToJsonString();
        }

        var item = new JsonObject
        {
            ["id"] = refreshable.Id,
            ["name"] = refreshable.Name,
            ["kind"] = refreshable.Kind,
            ["startTime"] = Iso(windowEnd.AddDays(-7)),
            ["endTime"] = Iso(windowEnd),
            ["refreshCount"] = refreshable.RefreshCount,
            ["refreshFailures"] = refreshable.RefreshFailures,
            ["averageDuration"] = 181.4,
            ["medianDuration"] = 176.0,
            ["refreshesPerDay"] = 2,
            ["lastRefresh"] = lastRefresh,
            ["refreshSchedule"] = new JsonObject
            {
                ["days"] = new JsonArray("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
                ["times"] = new JsonArray("05:00", "13:00"),
                ["enabled"] = true,
                ["localTimeZoneId"] = "UTC",
                ["notifyOption"] = "MailOnFailure",
            },
            ["configuredBy"] = new JsonArray([.. refreshable.ConfiguredBy.Select(c => (JsonNode)c)]),
        };

        if (expandCapacity && tenant.FindCapacity(refreshable.CapacityId) is { } capacity)
        {
            item["capacity"] = new JsonObject
            {
                ["id"] = capacity.Id,
                ["displayName"] = capacity.DisplayName,
                ["sku"] = capacity.Sku,
                ["state"] = capacity.State,
                ["region"] = capacity.Region,
            };
        }

        if (expandGroup && refreshable.GroupId is not null)
        {
            item["group"] = new JsonObject
            {
                ["id"] = refreshable.GroupId,
                ["name"] = tenant.Workspaces.Find(refreshable.GroupId)?.Name,
            };
        }

        return item;
    }

    /// <summary>The scheme and host the client used, for links in answers.</summary>
    public static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    /// <summary>A UTC time as Power BI writes it.</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static HashSet<string> Names(params string[] names)
    {
        return new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
    }

    private static bool TryReadFlag(IQueryCollection query, string name, out bool value)
    {
        value = false;
        var text = query[name].ToString();
        return text.Length == 0 || bool.TryParse(text, out value);
    }
}
