using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// Entra ID's discovery documents: instance discovery, the OpenID configuration and the signing
/// keys. MSAL does not need them when instance discovery is off, but a client that asks gets
/// answers pointing back at the emulator (api-facts §1.9).
/// </summary>
public sealed class EntraMetadata(TenantDirectory tenants, TokenIssuer issuer, TimeProvider clock)
{
    /// <summary>Adds the discovery routes.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/common/discovery/instance", InstanceDiscoveryAsync);
        routes.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", OpenIdConfigurationAsync);
        routes.MapGet("/{tenant}/discovery/v2.0/keys", KeysAsync);
        routes.MapGet("/common/userrealm/{userName}", UserRealmAsync);
    }

    private Task UserRealmAsync(HttpContext context)
    {
        // Home-realm discovery, which MSAL does before a username/password grant: is the account's
        // domain managed by Entra, or federated with an identity provider that checks the password?
        var userName = (string)context.GetRouteValue("userName")!;
        var domain = userName[(userName.LastIndexOf('@') + 1)..];
        var tenant = tenants.FindServed(domain);
        if (tenant is null)
        {
            return HttpJson.WriteAsync(context, StatusCodes.Status200OK, new JsonObject
            {
                ["ver"] = "1.0",
                ["account_type"] = "Unknown",
                ["cloud_instance_name"] = "microsoftonline.com",
            });
        }

        var federated = tenant.FindUser(userName)?.Federated == true;
        var body = new JsonObject
        {
            ["ver"] = "1.0",
            ["account_type"] = federated ? "Federated" : "Managed",
            ["domain_name"] = domain,
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_audience_urn"] = "urn:federation:MicrosoftOnline",
        };

        if (federated)
        {
            // The identity provider is not emulated; its addresses answer 404, so a client that follows
            // them fails instead of reaching a real server.
            body["federation_protocol"] = "WSTrust";
            body["federation_metadata_url"] = $"{BaseUrl(context)}/adfs/services/trust/mex";
            body["federation_active_auth_url"] = $"{BaseUrl(context)}/adfs/services/trust/2005/usernamemixed";
        }

        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private Task InstanceDiscoveryAsync(HttpContext context)
    {
        var host = context.Request.Host.Value!;

        // The tenant is taken from the authorization endpoint the client names, as Entra does.
        var tenantSegment = tenants.Primary.TenantId;
        var authorizationEndpoint = context.Request.Query["authorization_endpoint"].ToString();
        if (Uri.TryCreate(authorizationEndpoint, UriKind.Absolute, out var endpoint) && endpoint.Segments.Length > 1)
        {
            tenantSegment = endpoint.Segments[1].TrimEnd('/');
        }

        var body = new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"{BaseUrl(context)}/{tenantSegment}/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = host,
                ["preferred_cache"] = host,
                ["aliases"] = new JsonArray(host),
            }),
        };
        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private Task OpenIdConfigurationAsync(HttpContext context)
    {
        var segment = (string)context.GetRouteValue("tenant")!;
        var tenant = tenants.FindServed(segment);
        if (tenant is null)
        {
            return EntraError.BadRequest("invalid_tenant", 90002, $"Tenant '{segment}' not found.")
                .WriteAsync(context, clock.GetUtcNow());
        }

        var authority = $"{BaseUrl(context)}/{tenant.TenantId}";
        var body = new JsonObject
        {
            ["issuer"] = $"{authority}/v2.0",
            ["authorization_endpoint"] = $"{authority}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{authority}/oauth2/v2.0/token",
            ["device_authorization_endpoint"] = $"{authority}/oauth2/v2.0/devicecode",
            ["jwks_uri"] = $"{authority}/discovery/v2.0/keys",
            ["token_endpoint_auth_methods_supported"] =
                new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["tenant_region_scope"] = "EU",
            ["cloud_instance_name"] = context.Request.Host.Value,
        };
        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private static string BaseUrl(HttpContext context)
    {
        // Links point back at whatever host name the client used to reach the emulator.
        return $"{context.Request.Scheme}://{context.Request.Host}";
    }

    private Task KeysAsync(HttpContext context)
    {
        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, issuer.KeySet());
    }
}
