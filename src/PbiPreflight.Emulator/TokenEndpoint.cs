using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PbiPreflight.Emulator;

/// <summary>
/// Microsoft Entra ID's v2.0 token endpoint: client credentials (secret, certificate assertion or
/// federated token), username/password (ROPC) and device code. Every refusal is the one Entra gives
/// for the same mistake (api-facts §1.7, §1.8, §11.4).
/// </summary>
public sealed partial class TokenEndpoint(
    TenantDirectory tenants,
    TokenIssuer issuer,
    ClientAssertions assertions,
    DeviceCodes deviceCodes,
    TimeProvider clock)
{
    private const string DefaultScopeSuffix = "/.default";
    private const string ClientCredentialsGrant = "client_credentials";
    private const string PasswordGrant = "password";
    private const string DeviceCodeGrant = "device_code";
    private const string DeviceCodeGrantUrn = "urn:ietf:params:oauth:grant-type:device_code";

    // Scopes that ask for sign-in artefacts rather than access to a resource.
    private static readonly HashSet<string> OpenIdScopes = new(StringComparer.OrdinalIgnoreCase)
    {
        "openid", "profile", "offline_access", "email",
    };

    /// <summary>Adds the token route.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{tenant}/oauth2/v2.0/token", HandleAsync);
    }

    /// <summary>
    /// Splits a delegated scope list into its resource and permission names; the OpenID scopes are
    /// dropped. A name without a resource is Microsoft Graph's, as Entra reads it.
    /// </summary>
    public static EntraError? ParseDelegatedScopes(string scope, out string? resource, out List<string> names)
    {
        resource = null;
        names = [];
        var resources = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (OpenIdScopes.Contains(item))
            {
                continue;
            }

            var slash = item.LastIndexOf('/');
            var itemResource = slash > 0 ? item[..slash].TrimEnd('/') : "https://graph.microsoft.com";
            resources.Add(itemResource);
            names.Add(slash > 0 ? item[(slash + 1)..] : item);
            resource ??= itemResource;
        }

        if (resources.Count == 0)
        {
            return MissingParameter("scope");
        }

        if (resources.Count > 1)
        {
            return EntraError.BadRequest("invalid_scope", 700022,
                $"The provided value for the input parameter scope is not valid because it contains more than one "
                + $"resource. Scope {scope} is not valid.");
        }

        return null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var segment = (string)context.GetRouteValue("tenant")!;
        var form = await ReadFormAsync(context);
        context.Items[RequestLog.SignInItem] = TokenRequestShape.Of(context, form);

        var refusal = Check(context, segment, form, out var grant);
        if (refusal is not null)
        {
            await refusal.WriteAsync(context, clock.GetUtcNow());
            return;
        }

        var now = clock.GetUtcNow();
        var lifetime = grant!.Tenant.Model.TokenLifetimeSeconds;
        var body = new JsonObject { ["token_type"] = "Bearer" };
        if (grant.User is null)
        {
            body["expires_in"] = lifetime;
            body["ext_expires_in"] = lifetime;
            body["access_token"] =
                issuer.Issue(grant.Tenant, grant.App, grant.Resource, now, grant.AuthenticationMethod);
        }
        else
        {
            var granted = grant.Scopes.Select(s => $"{grant.Resource}/{s}")
                .Concat(grant.OpenIdScopes.Where(s => !s.Equals("offline_access", StringComparison.OrdinalIgnoreCase)));
            body["scope"] = string.Join(' ', granted);
            body["expires_in"] = lifetime;
            body["ext_expires_in"] = lifetime;
            body["access_token"] = issuer.IssueForUser(
                grant.Tenant, grant.App, grant.User, grant.Resource, grant.Scopes, grant.Methods, now);

            // The refresh token is opaque and only handed out; the refresh grant is not modelled.
            body["refresh_token"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48));
            body["id_token"] = issuer.IssueIdToken(grant.Tenant, grant.App, grant.User, now);
            body["client_info"] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject
            {
                ["uid"] = grant.User.ObjectId,
                ["utid"] = grant.Tenant.TenantId,
            }.ToJsonString()));
        }

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

    private EntraError? Check(HttpContext context, string segment, IFormCollection form, out TokenGrant? grant)
    {
        grant = null;
        var grantType = form["grant_type"].ToString();
        var userGrant = grantType is PasswordGrant or DeviceCodeGrant or DeviceCodeGrantUrn;

        // "organizations" names no tenant, but a user grant finds it from the account; service
        // principals always need a tenant-specific authority.
        var organizations = segment.Equals("organizations", StringComparison.OrdinalIgnoreCase);
        if (IsTenantAlias(segment) && !(organizations && userGrant))
        {
            return EntraError.BadRequest("invalid_request", 50059,
                "No tenant-identifying information found in either the request or implied by any provided "
                + "credentials.");
        }

        EmulatedTenant? tenant = null;
        if (!organizations)
        {
            var tenantRefusal = FindTenant(segment, out tenant);
            if (tenantRefusal is not null)
            {
                return tenantRefusal;
            }
        }

        if (grantType.Length == 0)
        {
            return MissingParameter("grant_type");
        }

        if (grantType != ClientCredentialsGrant && !userGrant)
        {
            // The refresh-token and authorization-code grants are not modelled.
            return EntraError.BadRequest("unsupported_grant_type", 70003,
                $"The app requested an unsupported grant type '{grantType}'.");
        }

        var (clientId, secret) = ReadClientCredentials(context, form);
        if (string.IsNullOrEmpty(clientId))
        {
            return MissingParameter("client_id");
        }

        var tokenEndpoint = $"{context.Request.Scheme}://{context.Request.Host}/{segment}/oauth2/v2.0/token";
        return grantType switch
        {
            ClientCredentialsGrant => CheckClientCredentials(form, tenant!, clientId, secret, tokenEndpoint, out grant),
            PasswordGrant => CheckPassword(form, tenant, clientId, secret, tokenEndpoint, out grant),
            _ => CheckDeviceCode(form, tenant, clientId, secret, tokenEndpoint, out grant),
        };
    }

    private EntraError? FindTenant(string segment, out EmulatedTenant? tenant)
    {
        tenant = null;
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

        return null;
    }

    private EntraError? CheckClientCredentials(
        IFormCollection form,
        EmulatedTenant tenant,
        string clientId,
        string? secret,
        string tokenEndpoint,
        out TokenGrant? grant)
    {
        grant = null;
        var scopeRefusal = CheckScope(form["scope"].ToString(), out var requestedResource);
        if (scopeRefusal is not null)
        {
            return scopeRefusal;
        }

        var appRefusal = FindApp(tenant, clientId, out var app);
        if (appRefusal is not null)
        {
            return appRefusal;
        }

        var credentialRefusal = CheckCredential(tenant, app!, secret, form, tokenEndpoint, out var method);
        if (credentialRefusal is not null)
        {
            return credentialRefusal;
        }

        var resourceRefusal = CheckResource(tenant, requestedResource!);
        if (resourceRefusal is not null)
        {
            return resourceRefusal;
        }

        if (app!.BlockedByConditionalAccess)
        {
            return BlockedByConditionalAccess();
        }

        grant = new TokenGrant(tenant, app, requestedResource!.TrimEnd('/'), method);
        return null;
    }

    private EntraError? CheckPassword(
        IFormCollection form,
        EmulatedTenant? tenant,
        string clientId,
        string? secret,
        string tokenEndpoint,
        out TokenGrant? grant)
    {
        grant = null;
        var userName = form["username"].ToString();
        if (userName.Length == 0)
        {
            return MissingParameter("username");
        }

        if (form["password"].ToString().Length == 0)
        {
            return MissingParameter("password");
        }

        var scopeRefusal = ParseDelegatedScopes(form["scope"].ToString(), out var resource, out var names);
        if (scopeRefusal is not null)
        {
            return scopeRefusal;
        }

        // Through "organizations" the account's domain names the tenant.
        tenant ??= tenants.FindServed(userName[(userName.LastIndexOf('@') + 1)..]);
        if (tenant is null)
        {
            return UnknownUser("organizations");
        }

        var appRefusal = FindApp(tenant, clientId, out var app);
        if (appRefusal is not null)
        {
            return appRefusal;
        }

        var clientRefusal = CheckUserGrantClient(tenant, app!, secret, form, tokenEndpoint, out var method);
        if (clientRefusal is not null)
        {
            return clientRefusal;
        }

        var resourceRefusal = CheckResource(tenant, resource!);
        if (resourceRefusal is not null)
        {
            return resourceRefusal;
        }

        var user = tenant.FindUser(userName);
        if (user is null)
        {
            return UnknownUser(tenant.TenantId);
        }

        var userRefusal = CheckUser(tenant, app!, user, form["password"].ToString(), resource!, names, out var granted);
        if (userRefusal is not null)
        {
            return userRefusal;
        }

        grant = new TokenGrant(tenant, app!, resource!.TrimEnd('/'), method)
        {
            User = user,
            Scopes = granted,
            OpenIdScopes = OpenIdScopesOf(form["scope"].ToString()),
            Methods = ["pwd"],
        };
        return null;
    }

    private EntraError? CheckDeviceCode(
        IFormCollection form,
        EmulatedTenant? tenant,
        string clientId,
        string? secret,
        string tokenEndpoint,
        out TokenGrant? grant)
    {
        grant = null;
        var code = form["device_code"].ToString();
        if (code.Length == 0)
        {
            return MissingParameter("device_code");
        }

        // The client is authenticated before the code is looked at, so an app that is not a public
        // client fails on its first poll.
        var pending = deviceCodes.Find(code);
        tenant ??= pending?.Tenant ?? tenants.Primary;
        var appRefusal = FindApp(tenant, clientId, out var app);
        if (appRefusal is not null)
        {
            return appRefusal;
        }

        var clientRefusal = CheckUserGrantClient(tenant, app!, secret, form, tokenEndpoint, out var method);
        if (clientRefusal is not null)
        {
            return clientRefusal;
        }

        if (pending is null || !ReferenceEquals(pending.Tenant, tenant) || !ReferenceEquals(pending.App, app))
        {
            return EntraError.BadRequest("bad_verification_code", 70018,
                "The provided value for the input parameter 'device_code' is not valid.");
        }

        var state = deviceCodes.Poll(pending, clock.GetUtcNow());
        switch (state)
        {
            case DeviceCodeState.Pending:
                return EntraError.BadRequest("authorization_pending", 70016, "Pending end-user authorization.");
            case DeviceCodeState.Declined:
                return EntraError.BadRequest("authorization_declined", 70000,
                    "The user declined the authorization request.");
            case DeviceCodeState.Expired:
                return EntraError.BadRequest("expired_token", 70020,
                    "The provided value for the input parameter 'device_code' is not valid. This device code has "
                    + "expired.");
            case DeviceCodeState.Redeemed:
                return EntraError.BadRequest("bad_verification_code", 70018,
                    "The provided value for the input parameter 'device_code' is not valid. It was already redeemed.");
        }

        // The browser sign-in checked the password and satisfied MFA; the account checks still apply.
        var user = pending.User;
        var userRefusal = CheckUser(tenant, app!, user, null, pending.Resource, pending.Scopes, out var granted);
        if (userRefusal is not null)
        {
            return userRefusal;
        }

        grant = new TokenGrant(tenant, app!, pending.Resource, method)
        {
            User = user,
            Scopes = granted,
            OpenIdScopes = pending.OpenIdScopes,
            Methods = user.MfaRequired ? ["pwd", "mfa"] : ["pwd"],
        };
        return null;
    }

    private static EntraError? FindApp(EmulatedTenant tenant, string clientId, out AppRegistration? app)
    {
        app = tenant.FindApp(clientId);
        if (app is not null)
        {
            return null;
        }

        return EntraError.BadRequest("unauthorized_client", 700016,
            $"Application with identifier '{clientId}' was not found in the directory '{tenant.TenantId}'. This can "
            + "happen if the application has not been installed by the administrator of the tenant or consented "
            + "to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");
    }

    private EntraError? CheckUserGrantClient(
        EmulatedTenant tenant,
        AppRegistration app,
        string? secret,
        IFormCollection form,
        string tokenEndpoint,
        out string method)
    {
        method = "0";
        var sentCredential = !string.IsNullOrEmpty(secret) || form["client_assertion"].ToString().Length > 0;
        if (!app.AllowPublicClientFlows)
        {
            // Entra treats the app as confidential, so it wants the app's own credential too.
            return CheckCredential(tenant, app, secret, form, tokenEndpoint, out method);
        }

        if (sentCredential)
        {
            return EntraError.Unauthorized(700025,
                "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
        }

        return null;
    }

    private static EntraError? CheckResource(EmulatedTenant tenant, string resource)
    {
        if (PowerBiResources.IsPowerBi(resource) || PowerBiResources.IsFabric(resource)
            || GraphResources.IsGraph(resource))
        {
            return null;
        }

        return EntraError.BadRequest("invalid_resource", 500011,
            $"The resource principal named {resource} was not found in the tenant named {tenant.TenantId}. "
            + "This can happen if the application has not been installed by the administrator of the tenant or "
            + "consented to by any user in the tenant. You might have sent your authentication request to the "
            + "wrong tenant.");
    }

    /// <summary>
    /// The account checks of a user grant, in the order Entra reports them; <paramref name="password"/>
    /// is null when the user signed in at the browser (device code), which also satisfies MFA.
    /// </summary>
    private static EntraError? CheckUser(
        EmulatedTenant tenant,
        AppRegistration app,
        UserAccount user,
        string? password,
        string resource,
        IReadOnlyList<string> requested,
        out List<string> granted)
    {
        granted = [];
        if (user.LockedOut)
        {
            return EntraError.BadRequest("invalid_grant", 50053,
                "Your account is locked. You've tried to sign in too many times with an incorrect user ID or " +
                "password.");
        }

        // A federated account's password lives with its identity provider, so Entra cannot check it.
        if (password is not null && (user.Federated || !SecretEquals(user.Password, password)))
        {
            return EntraError.BadRequest("invalid_grant", 50126,
                "Error validating credentials due to invalid username or password.");
        }

        if (!user.Enabled)
        {
            return EntraError.BadRequest("invalid_grant", 50057, "The user account is disabled.");
        }

        if (user.PasswordExpired)
        {
            return EntraError.BadRequest("invalid_grant", 50055, "The password is expired.")
                with { SubError = "user_password_expired" };
        }

        if (user.BlockedByConditionalAccess)
        {
            return BlockedByConditionalAccess();
        }

        if (password is not null && user.MfaRequired)
        {
            var challenge = new JsonObject
            {
                ["access_token"] = new JsonObject
                {
                    ["capolids"] = new JsonObject
                    {
                        ["essential"] = true,
                        ["values"] = new JsonArray(EmulatedTenant.StableGuid("mfa-policy:" + tenant.TenantId)),
                    },
                },
            };
            return EntraError.BadRequest("invalid_grant", 50076,
                "Due to a configuration change made by your administrator, or because you moved to a new location, "
                + $"you must use multi-factor authentication to access '{ResourceAppIds.Of(resource)}'.")
                with { SubError = "basic_action", Claims = challenge.ToJsonString() };
        }

        var consented = GraphResources.IsGraph(resource) ? app.GraphDelegatedPermissions : app.DelegatedPermissions;
        var asksDefault = requested.Any(n => n.Equals(".default", StringComparison.OrdinalIgnoreCase));
        var consentMissing = asksDefault
            ? consented.Count == 0
            : requested.Any(n => !consented.Contains(n, StringComparer.OrdinalIgnoreCase));
        if (consentMissing)
        {
            return EntraError.BadRequest("invalid_grant", 65001,
                $"The user or administrator has not consented to use the application with ID '{app.ClientId}' named "
                + $"'{app.DisplayName}'. Send an interactive authorization request for this user and resource.")
                with { SubError = "consent_required" };
        }

        if (app.BlockedByConditionalAccess)
        {
            return BlockedByConditionalAccess();
        }

        // Entra puts every consented scope of the resource in the token, not only the ones asked for.
        granted = [.. consented];
        return null;
    }

    private static List<string> OpenIdScopesOf(string scope)
    {
        return [.. scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(OpenIdScopes.Contains)];
    }

    private static EntraError UnknownUser(string tenantName)
    {
        return EntraError.BadRequest("invalid_grant", 50034,
            $"The user account {{EUII Hidden}} does not exist in the {tenantName} directory. To sign into this "
            + "application, the account must be added to the directory.");
    }

    private static EntraError BlockedByConditionalAccess()
    {
        return EntraError.BadRequest("invalid_grant", 53003,
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.");
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

    private EntraError? CheckCredential(
        EmulatedTenant tenant,
        AppRegistration app,
        string? secret,
        IFormCollection form,
        string tokenEndpoint,
        out string method)
    {
        method = "1";
        var assertion = form["client_assertion"].ToString();
        if (string.IsNullOrEmpty(secret) && assertion.Length == 0)
        {
            return EntraError.Unauthorized(7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }

        if (string.IsNullOrEmpty(secret))
        {
            method = "2";
            var assertionType = form["client_assertion_type"].ToString();
            if (assertionType != ClientAssertions.JwtBearerType)
            {
                return assertionType.Length == 0
                    ? MissingParameter("client_assertion_type")
                    : EntraError.BadRequest("invalid_request", 50027, "JWT token is invalid or malformed.");
            }

            return assertions.Check(tenant, app, assertion, tokenEndpoint);
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
/// <param name="Codes">The <c>error_codes</c> array when it holds more than <paramref name="Code"/>.</param>
public sealed record EntraError(int Status, string Error, int Code, string Text, int[]? Codes = null)
{
    /// <summary>The <c>suberror</c> field, sent when set (<c>consent_required</c>, <c>basic_action</c>, ...).</summary>
    public string? SubError { get; init; }

    /// <summary>The <c>claims</c> challenge, a JSON string, sent when set.</summary>
    public string? Claims { get; init; }

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
            ["error_codes"] = new JsonArray([.. (Codes ?? [Code]).Select(c => (JsonNode)c)]),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={Code}",
        };

        if (SubError is not null)
        {
            body["suberror"] = SubError;
        }

        if (Claims is not null)
        {
            body["claims"] = Claims;
        }

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

/// <summary>What a successful token request grants.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="App">The client app (or managed identity).</param>
/// <param name="Resource">The resource, without a trailing slash.</param>
/// <param name="AuthenticationMethod">
/// How the client authenticated: 0 public, 1 secret, 2 certificate or assertion.
/// </param>
public sealed record TokenGrant(
    EmulatedTenant Tenant, AppRegistration App, string Resource, string AuthenticationMethod)
{
    /// <summary>The signed-in user of a delegated grant; null for app-only.</summary>
    public UserAccount? User { get; init; }

    /// <summary>The delegated permission names granted on the resource.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The OpenID scopes that were asked for.</summary>
    public IReadOnlyList<string> OpenIdScopes { get; init; } = [];

    /// <summary>The <c>amr</c> claim: how the user proved who they are.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];
}
