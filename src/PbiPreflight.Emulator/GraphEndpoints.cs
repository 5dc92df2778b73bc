using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PbiPreflight.Emulator;

/// <summary>
/// The few Microsoft Graph calls the preflight makes (api-facts §9): a service principal's group
/// memberships and an app registration's credentials. They share <c>/v1.0</c> with Power BI, which
/// keeps <c>/v1.0/myorg/</c>; everything else under <c>/v1.0</c> is Graph's.
/// </summary>
public sealed partial class GraphEndpoints(
    TenantDirectory tenants, TokenIssuer issuer, ClientCertificates certificates, TimeProvider clock)
{
    private static readonly HashSet<string> ReadApplications = new(StringComparer.OrdinalIgnoreCase)
    {
        "Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All",
    };

    // Without one of these Graph still lists the groups but fills only their type and id (§9.2).
    private static readonly HashSet<string> ReadGroups = new(StringComparer.OrdinalIgnoreCase)
    {
        "GroupMember.Read.All", "GroupMember.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All",
        "Directory.Read.All", "Directory.ReadWrite.All",
    };

    // Properties an application answers with when they are asked for, besides the ones it always has.
    private static readonly string[] OptionalApplicationFields = ["signInAudience", "publisherDomain"];

    /// <summary>Adds the routes.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        // Literal Power BI routes take precedence over this catch-all.
        routes.MapGet("/v1.0/{**graphPath}", HandleAsync);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.GetRouteValue("graphPath") as string ?? "";
        if (path.Equals("myorg", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("myorg/", StringComparison.OrdinalIgnoreCase))
        {
            await HttpJson.NotFoundAsync(context);
            return;
        }

        var ids = new GraphIds(Guid.NewGuid().ToString(), context.Request.Headers["client-request-id"].ToString());
        context.Response.Headers["request-id"] = ids.RequestId;
        context.Response.Headers["client-request-id"] = ids.ClientRequestId;

        var membership = MembershipPath().Match(path);
        var application = ApplicationPath().Match(path);
        if (!membership.Success && !application.Success)
        {
            var segment = path.Split('/')[0];
            await ErrorAsync(context, ids, StatusCodes.Status400BadRequest, "BadRequest",
                $"Resource not found for the segment '{segment}'.");
            return;
        }

        var caller = await AuthenticateAsync(context, ids);
        if (caller is null)
        {
            return;
        }

        var (tenant, roles) = caller;

        if (!roles.Overlaps(ReadApplications))
        {
            await ErrorAsync(context, ids, StatusCodes.Status403Forbidden, "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.");
            return;
        }

        var match = membership.Success ? membership : application;
        var key = match.Groups["appId"].Success ? match.Groups["appId"].Value : match.Groups["id"].Value;
        var byAppId = match.Groups["appId"].Success;

        if (membership.Success)
        {
            var transitive = membership.Groups["relation"].Value.Equals(
                "transitiveMemberOf", StringComparison.OrdinalIgnoreCase);
            var app = byAppId ? tenant.FindApp(key) : tenant.FindAppByServicePrincipal(key);
            await MembershipAsync(context, ids, tenant, app, key, transitive, roles.Overlaps(ReadGroups));
        }
        else
        {
            var app = byAppId ? tenant.FindApp(key) : tenant.FindAppByObjectId(key);
            await ApplicationAsync(context, ids, tenant, app, key);
        }
    }

    private async Task<GraphCaller?> AuthenticateAsync(HttpContext context, GraphIds ids)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await UnauthenticatedAsync(context, ids, "Access token is empty.");
            return null;
        }

        var status = issuer.Validate(header[7..].Trim(), clock.GetUtcNow(), out var claims);
        if (status == TokenStatus.Expired)
        {
            await UnauthenticatedAsync(context, ids, "Access token has expired or is not yet valid.");
            return null;
        }

        // A Power BI or Fabric token is a valid token for the wrong audience; Graph does not say which.
        var caller = status == TokenStatus.Valid ? TokenCaller.From(tenants, claims!, GraphResources.IsGraph) : null;
        if (caller is null)
        {
            await UnauthenticatedAsync(context, ids, "Access token validation failure.");
            return null;
        }

        // A delegated token carries its permissions in scp where an app-only token has roles.
        var permissions = new HashSet<string>(caller.User is null ? caller.Roles : caller.Scopes,
            StringComparer.OrdinalIgnoreCase);
        return new GraphCaller(caller.Tenant, permissions);
    }

    private async Task MembershipAsync(
        HttpContext context,
        GraphIds ids,
        EmulatedTenant tenant,
        AppRegistration? app,
        string key,
        bool transitive,
        bool readGroups)
    {
        if (app is null)
        {
            await NotFoundAsync(context, ids, key);
            return;
        }

        var groups = transitive
            ? tenant.TransitiveGroupsOf(app.ServicePrincipalId)
            : [.. tenant.DirectGroupsOf(app.ServicePrincipalId)];
        var items = groups.Select(g => (JsonNode)new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.group",
            ["id"] = g.Id,
            ["displayName"] = readGroups ? g.Name : null,
            ["securityEnabled"] = readGroups ? true : null,
            ["groupTypes"] = readGroups ? new JsonArray() : null,
            ["mailEnabled"] = readGroups ? false : null,
        });

        var body = new JsonObject
        {
            ["@odata.context"] = $"{PowerBiEndpoints.BaseUrl(context)}/v1.0/$metadata#directoryObjects",
        };

        if (context.Request.Query["$count"].ToString().Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            body["@odata.count"] = groups.Count;
        }

        // Every model is far below the 100-item default page, so there is never an @odata.nextLink.
        body["value"] = new JsonArray([.. items]);
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task ApplicationAsync(
        HttpContext context, GraphIds ids, EmulatedTenant tenant, AppRegistration? app, string key)
    {
        if (app is null)
        {
            await NotFoundAsync(context, ids, key);
            return;
        }

        var select = context.Request.Query["$select"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entitySet = select.Length == 0 ? "applications" : $"applications({string.Join(',', select)})";
        var body = new JsonObject
        {
            ["@odata.context"] = $"{PowerBiEndpoints.BaseUrl(context)}/v1.0/$metadata#{entitySet}/$entity",
            ["id"] = EmulatedTenant.ApplicationObjectId(app),
            ["appId"] = app.ClientId,
            ["displayName"] = app.DisplayName,
        };

        // $select is honoured loosely: the credential fields always come back, other known fields
        // only when asked for (or when nothing was selected), unknown ones are ignored.
        foreach (var field in OptionalApplicationFields)
        {
            if (select.Length == 0 || select.Contains(field, StringComparer.OrdinalIgnoreCase))
            {
                body[field] = field == "signInAudience" ? "AzureADMyOrg" : tenant.Model.Tenant.Domains.FirstOrDefault();
            }
        }

        body["passwordCredentials"] =
            new JsonArray([.. app.Secrets.Select(s => (JsonNode)PasswordCredential(tenant, s))]);

        body["keyCredentials"] = new JsonArray([.. app.Certificates
            .Select(certificates.Find)
            .OfType<ClientCertificate>()
            .Select(c => (JsonNode)KeyCredential(c))]);
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private static JsonObject PasswordCredential(EmulatedTenant tenant, ClientSecret secret)
    {
        // The model keeps only the end; a secret is taken to have been added 30 days before the
        // emulator started, or 180 days before its end if it ended even earlier.
        var end = tenant.ExpiryOf(secret);
        var start = end <= tenant.StartedAt.AddDays(-30) ? end.AddDays(-180) : tenant.StartedAt.AddDays(-30);
        return new JsonObject
        {
            ["customKeyIdentifier"] = null,
            ["displayName"] = secret.DisplayName,
            ["endDateTime"] = GraphTime(end),
            ["hint"] = secret.Value.Length <= 3 ? secret.Value : secret.Value[..3],
            ["keyId"] = secret.Id,
            ["secretText"] = null,
            ["startDateTime"] = GraphTime(start),
        };
    }

    private static JsonObject KeyCredential(ClientCertificate item)
    {
        // Graph gives the SHA-1 thumbprint as customKeyIdentifier and never the key itself.
        var certificate = item.Certificate;
        return new JsonObject
        {
            ["customKeyIdentifier"] = certificate.Thumbprint,
            ["displayName"] = certificate.Subject,
            ["endDateTime"] = GraphTime(certificate.NotAfter.ToUniversalTime()),
            ["key"] = null,
            ["keyId"] = EmulatedTenant.StableGuid("key:" + certificate.Thumbprint),
            ["startDateTime"] = GraphTime(certificate.NotBefore.ToUniversalTime()),
            ["type"] = "AsymmetricX509Cert",
            ["usage"] = "Verify",
        };
    }

    private Task UnauthenticatedAsync(HttpContext context, GraphIds ids, string message)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"\", "
            + "authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", "
            + "client_id=\"00000003-0000-0000-c000-000000000000\"";
        return ErrorAsync(context, ids, StatusCodes.Status401Unauthorized, "InvalidAuthenticationToken", message);
    }

    private Task NotFoundAsync(HttpContext context, GraphIds ids, string key)
    {
        return ErrorAsync(context, ids, StatusCodes.Status404NotFound, "Request_ResourceNotFound",
            $"Resource '{key}' does not exist or one of its queried reference-property objects are not present.");
    }

    private Task ErrorAsync(HttpContext context, GraphIds ids, int status, string code, string message)
    {
        var date = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = date,
                    ["request-id"] = ids.RequestId,
                    ["client-request-id"] = ids.ClientRequestId,
                },
            },
        };
        return HttpJson.WriteAsync(context, status, body);
    }

    private static string GraphTime(DateTime time) => GraphTime(new DateTimeOffset(time, TimeSpan.Zero));

    private static string GraphTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Graph accepts both key forms; the optional cast segment narrows to groups, which is all the
    // model has anyway.
    [GeneratedRegex(
        @"^servicePrincipals(?:\(appId='(?<appId>[^']+)'\)|/(?<id>[^/()]+))/(?<relation>transitiveMemberOf|memberOf)"
        + @"(?:/microsoft\.graph\.group)?/?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MembershipPath();

    [GeneratedRegex(@"^applications(?:\(appId='(?<appId>[^']+)'\)|/(?<id>[^/()]+))/?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApplicationPath();

    /// <summary>An authenticated Graph caller.</summary>
    /// <param name="Tenant">The tenant the token belongs to.</param>
    /// <param name="Roles">The token's application permissions.</param>
    private sealed record GraphCaller(EmulatedTenant Tenant, HashSet<string> Roles);

    /// <summary>The ids Graph puts in its headers and error bodies.</summary>
    /// <param name="RequestId">Graph's own id for the request.</param>
    /// <param name="ClientRequestId">The caller's id, echoed; Graph uses its own when none was sent.</param>
    private sealed record GraphIds(string RequestId, string ClientRequestId)
    {
        public string ClientRequestId { get; } = ClientRequestId.Length > 0 ? ClientRequestId : RequestId;
    }
}
