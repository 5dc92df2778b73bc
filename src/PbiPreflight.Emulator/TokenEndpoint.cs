using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PbiPreflight.Emulator;

/// <summary>
/// Microsoft Entra ID's v2.0 token endpoint for the client-credentials grant with a shared
/// secret. Every refusal is the one Entra gives for the same mistake (api-facts §1.7, §1.8).
/// </summary>
public sealed partial class TokenEndpoint(TenantDirectory tenants, TokenIssuer issuer, TimeProvider clock)
{
    private const string DefaultScopeSuffix = "/.default";

    /// <summary>Adds the token route.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{tenant}/oauth2/v2.0/token", HandleAsync);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var segment = (string)context.GetRouteValue("tenant")!;
        var form = await ReadFormAsync(context);

        var refusal = Check(context, segment, form, out var tenant, out var app, out var resource);
        if (refusal is not null)
        {
            await refusal.WriteAsync(context, clock.GetUtcNow());
            return;
        }

        var token = issuer.Issue(tenant!, app!, resource!, clock.GetUtcNow());
        var lifetime = tenant!.Model.TokenLifetimeSeconds;
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = lifetime,
            ["ext_expires_in"] = lifetime,
            ["access_token"] = token,
        };

        EntraError.AddCommonHeaders(context, Guid.NewGuid().ToString());
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return FormCollection.Empty;
        }

        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            // A body that is not a readable form misses every parameter, and Entra says which first.
            return FormCollection.Empty;
        }
    }

    private EntraError? Check(
        HttpContext context,
        string segment,
        IFormCollection form,
        out EmulatedTenant? tenant,
        out AppRegistration? app,
        out string? resource)
    {
        tenant = null;
        app = null;
        resource = null;

        if (IsTenantAlias(segment))
        {
            return EntraError.BadRequest("invalid_request", 50059,
                "No tenant-identifying information found in either the request or implied by any provided "
                + "credentials.");
        }

        if (!Guid.TryParse(segment, out _) && !DomainPattern().IsMatch(segment))
        {
            return EntraError.BadRequest("invalid_request", 900023,
                $"Specified tenant identifier '{segment}' is neither a valid DNS name, nor a valid external domain.");
        }

        tenant = tenants.FindServed(segment);
        if (tenant is null)
        {
            return EntraError.BadRequest("invalid_request", 90002,
                $"Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing "
                + "into the correct cloud. This may happen if there are no active subscriptions for the tenant.");
        }

        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0)
        {
            return MissingParameter("grant_type");
        }

        if (grantType != "client_credentials")
        {
            // Only the client-credentials grant is modelled; delegated grants need users the
            // scenario schema does not describe.
            return EntraError.BadRequest("unsupported_grant_type", 70003,
                $"The app requested an unsupported grant type '{grantType}'.");
        }

        var (clientId, secret) = ReadClientCredentials(context, form);
        if (string.IsNullOrEmpty(clientId))
        {
            return MissingParameter("client_id");
        }

        var scopeRefusal = CheckScope(form["scope"].ToString(), out var requestedResource);
        if (scopeRefusal is not null)
        {
            return scopeRefusal;
        }

        app = tenant.FindApp(clientId);
        if (app is null)
        {
            return EntraError.BadRequest("unauthorized_client", 700016,
                $"Application with identifier '{clientId}' was not found in the directory '{segment}'. This can "
                + "happen if the application has not been installed by the administrator of the tenant or consented "
                + "to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");
        }

        var credentialRefusal = CheckCredential(tenant, app, secret, form["client_assertion"].ToString());
        if (credentialRefusal is not null)
        {
            return credentialRefusal;
        }

        if (!PowerBiResources.IsPowerBi(requestedResource!) && !PowerBiResources.IsFabric(requestedResource!)
            && !GraphResources.IsGraph(requestedResource!))
        {
            return EntraError.BadRequest("invalid_resource", 500011,
                $"The resource principal named {requestedResource} was not found in the tenant named {segment}. "
                + "This can happen if the application has not been installed by the administrator of the tenant or "
                + "consented to by any user in the tenant. You might have sent your authentication request to the "
                + "wrong tenant.");
        }

        if (app.BlockedByConditionalAccess)
        {
            return EntraError.BadRequest("invalid_grant", 53003,
                "Access has been blocked by Conditional Access policies. The access policy does not allow token "
                + "issuance.");
        }

        resource = requestedResource!.TrimEnd('/');
        return null;
    }

    private static EntraError? CheckScope(string scope, out string? resource)
    {
        resource = null;
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length == 0)
        {
            return MissingParameter("scope");
        }

        var withoutDefault = scopes.FirstOrDefault(
            s => !s.EndsWith(DefaultScopeSuffix, StringComparison.OrdinalIgnoreCase));
        if (withoutDefault is not null)
        {
            return EntraError.BadRequest("invalid_scope", 1002012,
                $"The provided value for scope {withoutDefault} is not valid. Client credential flows must have a "
                + "scope value with /.default suffixed to the resource identifier (application ID URI).");
        }

        if (scopes.Length > 1)
        {
            return EntraError.BadRequest("invalid_scope", 70011,
                $"The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.");
        }

        resource = scopes[0][..^DefaultScopeSuffix.Length];
        return null;
    }

    private EntraError? CheckCredential(EmulatedTenant tenant, AppRegistration app, string? secret, string assertion)
    {
        if (string.IsNullOrEmpty(secret) && assertion.Length == 0)
        {
            return EntraError.Unauthorized(7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }

        if (string.IsNullOrEmpty(secret))
        {
            // Certificate credentials are not part of the model, so no assertion can match a key.
            return EntraError.Unauthorized(700027,
                "The certificate with identifier used to sign the client assertion is not registered on application. "
                + $"[Reason - The key was not found., Please visit the Azure Portal for app '{app.ClientId}'.]");
        }

        var match = app.Secrets.Find(s => SecretEquals(s.Value, secret));
        if (match is null)
        {
            return EntraError.Unauthorized(7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
                + $"value, not the client secret ID, for a secret added to app '{app.ClientId}'.");
        }

        if (tenant.ExpiryOf(match) <= clock.GetUtcNow())
        {
            return EntraError.Unauthorized(7000222,
                $"The provided client secret keys for app '{app.ClientId}' are expired. Visit the Azure portal to "
                + "create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate "
                + "credentials for added security: https://aka.ms/certCreds.");
        }

        return null;
    }

    private static (string? ClientId, string? Secret) ReadClientCredentials(HttpContext context, IFormCollection form)
    {
        var clientId = form["client_id"].ToString();
        var secret = form["client_secret"].ToString();
        if (clientId.Length > 0)
        {
            return (clientId, secret);
        }

        // HTTP Basic is the other accepted way: form-urlencoded id and secret joined by a colon.
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, secret);
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0
                ? (Uri.UnescapeDataString(decoded), secret)
                : (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return (null, secret);
        }
    }

    private static bool SecretEquals(string expected, string actual)
    {
        // Constant time, as any secret comparison should be, even in a test double.
        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
    }

    private static bool IsTenantAlias(string segment)
    {
        return segment.Equals("common", StringComparison.OrdinalIgnoreCase)
            || segment.Equals("organizations", StringComparison.OrdinalIgnoreCase)
            || segment.Equals("consumers", StringComparison.OrdinalIgnoreCase);
    }

    private static EntraError MissingParameter(string name)
    {
        return EntraError.BadRequest("invalid_request", 900144,
            $"The request body must contain the following parameter: '{name}'.");
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.IgnoreCase)]
    private static partial Regex DomainPattern();
}

/// <summary>An Entra ID error answer (api-facts §1.7).</summary>
/// <param name="Status">400, or 401 for <c>invalid_client</c>.</param>
/// <param name="Error">The OAuth error category.</param>
/// <param name="Code">The AADSTS number.</param>
/// <param name="Text">The description after "AADSTSnnnn: ".</param>
public sealed record EntraError(int Status, string Error, int Code, string Text)
{
    /// <summary>A 400 answer.</summary>
    public static EntraError BadRequest(string error, int code, string text) => new(400, error, code, text);

    /// <summary>A 401 <c>invalid_client</c> answer, the status Entra uses for client authentication failures.</summary>
    public static EntraError Unauthorized(int code, string text) => new(401, "invalid_client", code, text);

    /// <summary>Headers Entra sends on every token-endpoint answer.</summary>
    public static void AddCommonHeaders(HttpContext context, string traceId)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store, no-cache";
        headers.Pragma = "no-cache";
        headers["x-ms-request-id"] = traceId;

        // MSAL asks for its correlation id back with return-client-request-id.
        var requestId = context.Request.Headers["client-request-id"].ToString();
        var wanted = context.Request.Headers["return-client-request-id"].ToString();
        if (requestId.Length > 0 && wanted.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            headers["client-request-id"] = requestId;
        }
    }

    /// <summary>Sends the error with trace, correlation id and timestamp filled in.</summary>
    public Task WriteAsync(HttpContext context, DateTimeOffset now)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = context.Request.Headers["client-request-id"].ToString();
        if (correlationId.Length == 0)
        {
            correlationId = Guid.NewGuid().ToString();
        }

        var timestamp = now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["error"] = Error,
            ["error_description"] = $"AADSTS{Code}: {Text}\r\nTrace ID: {traceId}\r\n"
                + $"Correlation ID: {correlationId}\r\nTimestamp: {timestamp}",
            ["error_codes"] = new JsonArray(Code),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={Code}",
        };

        AddCommonHeaders(context, traceId);
        return HttpJson.WriteAsync(context, Status, body);
    }
}

/// <summary>
/// The Power BI and Fabric resources a token may be requested for, in every cloud (api-facts §4,
/// §8.5). Both name the Power BI service, so a token for either carries the Power BI roles.
/// </summary>
public static class PowerBiResources
{
    private static readonly string[] Known =
    [
        "https://analysis.windows.net/powerbi/api",
        "https://analysis.usgovcloudapi.net/powerbi/api",
        "https://high.analysis.usgovcloudapi.net/powerbi/api",
        "https://mil.analysis.usgovcloudapi.net/powerbi/api",
        "https://analysis.chinacloudapi.cn/powerbi/api",
        "https://analysis.cloudapi.de/powerbi/api",

        // The Power BI Service first-party app id names the same resource.
        "00000009-0000-0000-c000-000000000000",
    ];

    private static readonly string[] Fabric =
    [
        "https://api.fabric.microsoft.com",
        "https://api.fabric.microsoft.us",
    ];

    /// <summary>True when <paramref name="resource"/> is a Power BI resource (trailing slash ignored).</summary>
    public static bool IsPowerBi(string resource)
    {
        return Known.Contains(resource.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="resource"/> is the Fabric API resource (trailing slash ignored).</summary>
    public static bool IsFabric(string resource)
    {
        return Fabric.Contains(resource.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>The Microsoft Graph resources of every cloud (api-facts §9.1).</summary>
public static class GraphResources
{
    private static readonly string[] Known =
    [
        "https://graph.microsoft.com",
        "https://graph.microsoft.us",
        "https://dod-graph.microsoft.us",
        "https://microsoftgraph.chinacloudapi.cn",

        // Microsoft Graph's first-party app id names the same resource.
        "00000003-0000-0000-c000-000000000000",
    ];

    /// <summary>True when <paramref name="resource"/> is a Graph resource (trailing slash ignored).</summary>
    public static bool IsGraph(string resource)
    {
        return Known.Contains(resource.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }
}
