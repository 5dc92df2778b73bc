using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// The App Service / Functions / Automation managed identity endpoint (api-facts §10.3, §10.6), on
/// its own plain-http port as the real one is. The identities are the apps whose
/// <c>managedIdentity</c> is set; a token for one is an app-only token of the tenant holding it.
/// </summary>
public sealed class ManagedIdentityEndpoint(TenantDirectory tenants, TokenIssuer issuer, TimeProvider clock)
{
    /// <summary>The route, on the managed identity port only.</summary>
    public const string Path = "/msi/token";

    /// <summary>The API version MSAL sends to App Service.</summary>
    public const string ApiVersion = "2019-08-01";

    /// <summary>The value clients must send in X-IDENTITY-HEADER (IDENTITY_HEADER).</summary>
    public string Header { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>True when some tenant models a managed identity, so the endpoint is worth a port.</summary>
    public bool Needed => tenants.All.Any(t => t.Model.Apps.Any(a => a.ManagedIdentity is not null));

    /// <summary>Answers a request that reached the managed identity port.</summary>
    public Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method)
            || !context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase))
        {
            return HttpJson.NotFoundAsync(context);
        }

        var presented = context.Request.Headers["X-IDENTITY-HEADER"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(Header)))
        {
            return Error(context, StatusCodes.Status401Unauthorized, "invalid_request",
                "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
        }

        var query = context.Request.Query;
        if (query["api-version"].ToString() != ApiVersion)
        {
            return Error(context, StatusCodes.Status400BadRequest, "invalid_request",
                $"api-version must be {ApiVersion}.");
        }

        var resource = query["resource"].ToString();
        if (resource.EndsWith("/.default", StringComparison.OrdinalIgnoreCase))
        {
            resource = resource[..^"/.default".Length];
        }

        if (resource.Length == 0)
        {
            return Error(context, StatusCodes.Status400BadRequest, "invalid_request", "resource is required.");
        }

        string[] idNames = ["client_id", "mi_res_id", "object_id", "principal_id"];
        var given = idNames.Where(n => query[n].ToString().Length > 0).ToList();
        if (given.Count > 1)
        {
            return Error(context, StatusCodes.Status400BadRequest, "invalid_request",
                "Only one of client_id, mi_res_id, object_id and principal_id may be given.");
        }

        var (tenant, identity) = FindIdentity(
            given.Count == 0 ? null : given[0],
            given.Count == 0 ? "" : query[given[0]]!);
        if (identity is null)
        {
            return HttpJson.WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject
            {
                ["statusCode"] = 400,
                ["message"] = "No User Assigned or Delegated Managed Identity found for specified "
                    + "ClientId/ResourceId/PrincipalId.",
                ["correlationId"] = Guid.NewGuid().ToString(),
            });
        }

        context.Items[RequestLog.TenantItem] = tenant!.TenantId;
        if (!PowerBiResources.IsPowerBi(resource) && !PowerBiResources.IsFabric(resource)
            && !GraphResources.IsGraph(resource))
        {
            return Error(context, StatusCodes.Status400BadRequest, "invalid_resource",
                $"AADSTS500011: The resource principal named {resource} was not found in the tenant named "
                + $"{tenant.TenantId}.");
        }

        var now = clock.GetUtcNow();
        var token = issuer.Issue(tenant, identity, resource.TrimEnd('/'), now, "2");
        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = (now.ToUnixTimeSeconds() + tenant.Model.TokenLifetimeSeconds)
                .ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = identity.ClientId,
        });
    }

    private (EmulatedTenant? Tenant, AppRegistration? Identity) FindIdentity(string? idName, string value)
    {
        foreach (var tenant in tenants.All)
        {
            var identity = tenant.Model.Apps.Find(a => idName switch
            {
                null => a.ManagedIdentity == "systemAssigned",
                "client_id" => a.ManagedIdentity == "userAssigned" && Same(a.ClientId, value),
                "mi_res_id" => a.ManagedIdentity == "userAssigned" && Same(a.ResourceId, value),
                _ => a.ManagedIdentity == "userAssigned" && Same(a.ServicePrincipalId, value),
            });
            if (identity is not null)
            {
                return (tenant, identity);
            }
        }

        return (null, null);
    }

    private static bool Same(string? left, string right) =>
        string.Equals(left, right, StringComparison.OrdinalIgnoreCase);

    private static Task Error(HttpContext context, int status, string error, string description)
    {
        return HttpJson.WriteAsync(context, status, new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description,
        });
    }
}
