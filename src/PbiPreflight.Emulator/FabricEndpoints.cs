using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// The Fabric admin API's List Tenant Settings (api-facts §8), built from the scenario's tenant
/// settings, with Fabric's ErrorResponse for refusals (§8.4).
/// </summary>
public sealed class FabricEndpoints(TenantDirectory tenants, TokenIssuer issuer, TimeProvider clock)
{
    private const string AdminApiGroup = "AdminApiSettings";
    private const string DeveloperGroup = "DeveloperSettings";

    /// <summary>Adds the routes.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/admin/tenantsettings", TenantSettingsAsync);
    }

    private async Task TenantSettingsAsync(HttpContext context)
    {
        // One id for the header and the body, as support would match them.
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["RequestId"] = requestId;

        var header = context.Request.Headers.Authorization.ToString();
        JsonObject? claims = null;
        var status = TokenStatus.Invalid;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            status = issuer.Validate(header[7..].Trim(), clock.GetUtcNow(), out claims);
        }

        if (status == TokenStatus.Expired)
        {
            await ErrorAsync(
                context, requestId, "TokenExpired", "Access token has expired, resubmit with a new access token");
            return;
        }

        var caller = status == TokenStatus.Valid
            ? TokenCaller.From(tenants, claims!, a => PowerBiResources.IsPowerBi(a) || PowerBiResources.IsFabric(a))
            : null;

        // A user needs a Tenant scope and the Fabric administrator role; the service answers a user it
        // knows with 403, not the 401 an unadmitted service principal gets (status assumed, §8.4).
        if (caller?.User is { } user)
        {
            if (!caller.Scopes.Contains("Tenant.Read.All") && !caller.Scopes.Contains("Tenant.ReadWrite.All"))
            {
                await ErrorAsync(context, requestId, "InsufficientScopes",
                    "The caller does not have sufficient scopes to perform this operation.", 403);
                return;
            }

            if (!user.FabricAdministrator)
            {
                await ErrorAsync(context, requestId, "Forbidden", "The caller doesn't have permissions to call the API",
                    403);
                return;
            }
        }

        // Which setting admits a service principal here is not documented; the read-only admin API
        // setting (and its rule against Power BI application permissions) is the expected one.
        else if (caller is null || !caller.PowerBiAccess().ReadOnlyAdminApis)
        {
            await ErrorAsync(
                context, requestId, "Unauthorized", "The caller is not authenticated to access this resource");
            return;
        }

        var tenant = caller!.Tenant;

        // Everything fits one page, so neither continuationToken nor continuationUri is sent; a
        // continuationToken in the request is accepted and changes nothing.
        var settings = new JsonArray([.. Settings(tenant).Select(s => (JsonNode)s)]);
        var body = new JsonObject
        {
            ["value"] = settings,

            // The service sends the array under both names since its Feb 2025 hotfix (§8.2).
            ["tenantSettings"] = settings.DeepClone(),
        };
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private static IEnumerable<JsonObject> Settings(EmulatedTenant tenant)
    {
        var model = tenant.Model.TenantSettings;
        var publicApis = model.ServicePrincipalsCanUseApis;

        // During the renaming roll-out a tenant reports both the old and the new developer setting
        // with the same state; the model has one switch for them.
        yield return Setting(tenant, "ServicePrincipalAccessPermissionAPIs",
            "Service principals can call Fabric public APIs", publicApis, DeveloperGroup);
        yield return Setting(tenant, "ServicePrincipalAccess", "Service principals can use Fabric APIs",
            publicApis, DeveloperGroup);
        yield return Setting(tenant, "ServicePrincipalAccessGlobalAPIs",
            "Service principals can create workspaces, connections, and deployment pipelines",
            new TenantSetting(), DeveloperGroup);
        yield return Setting(tenant, 
            "AllowServicePrincipalsUseReadAdminAPIs", "Service principals can access read-only admin APIs",
            model.ServicePrincipalsCanAccessReadOnlyAdminApis, AdminApiGroup);
        yield return Setting(tenant, 
            "AdminApisIncludeDetailedMetadata", "Enhance admin APIs responses with detailed metadata",
            model.EnhanceAdminApisDetailedMetadata, AdminApiGroup);
        yield return Setting(tenant, 
            "AdminApisIncludeExpressions", "Enhance admin APIs responses with DAX and mashup expressions",
            model.EnhanceAdminApisExpressions, AdminApiGroup);

        // Settings the preflight does not read, so a client that looks them up by position or
        // assumes only its own settings come back is caught.
        yield return Setting(tenant, 
            "AllowServicePrincipalsUseWriteAdminAPIs", "Service principals can access admin APIs used for updates",
            new TenantSetting(), AdminApiGroup);
        yield return Setting(tenant, "PublishToWeb", "Publish to web",
            new TenantSetting { Enabled = true }, "ExportAndSharing");
        yield return Setting(tenant, "ExportToExcelSetting", "Export to Excel",
            new TenantSetting { Enabled = true }, "ExportAndSharing");
    }

    private static JsonObject Setting(
        EmulatedTenant tenant, string name, string title, TenantSetting setting, string group)
    {
        var item = new JsonObject
        {
            ["settingName"] = name,
            ["title"] = title,
            ["enabled"] = setting.Enabled,
            ["canSpecifySecurityGroups"] = true,
        };

        if (setting.Groups.Count > 0)
        {
            item["enabledSecurityGroups"] = SecurityGroups(tenant, setting.Groups);
        }

        if (setting.ExcludedGroups.Count > 0)
        {
            item["excludedSecurityGroups"] = SecurityGroups(tenant, setting.ExcludedGroups);
        }

        item["tenantSettingGroup"] = group;
        return item;
    }

    private static JsonArray SecurityGroups(EmulatedTenant tenant, IEnumerable<string> ids)
    {
        // A group id the model does not define still appears, named by its id, as a deleted group
        // would in the portal.
        return new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject
        {
            ["graphId"] = id,
            ["name"] = tenant.FindGroup(id)?.Name ?? id,
        })]);
    }

    private static Task ErrorAsync(
        HttpContext context, string requestId, string code, string message, int status = 401)
    {
        context.Response.Headers["x-ms-public-api-error-code"] = code;
        var body = new JsonObject
        {
            ["requestId"] = requestId,
            ["errorCode"] = code,
            ["message"] = message,
        };
        return HttpJson.WriteAsync(context, status, body);
    }
}
