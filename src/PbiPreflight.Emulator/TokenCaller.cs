using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// Who a validated access token speaks for, read from its claims and looked up in the model of the
/// tenant in its <c>tid</c>: an app (app-only token) or a user signed in through an app.
/// </summary>
/// <param name="Tenant">The tenant the token belongs to.</param>
/// <param name="App">The app (client) the token was issued to.</param>
/// <param name="User">The signed-in user of a delegated token; null for app-only.</param>
/// <param name="Roles">The <c>roles</c> claim.</param>
/// <param name="Scopes">The <c>scp</c> claim, split.</param>
public sealed record TokenCaller(
    EmulatedTenant Tenant,
    AppRegistration App,
    UserAccount? User,
    IReadOnlySet<string> Roles,
    IReadOnlySet<string> Scopes)
{
    /// <summary>
    /// The caller of a token whose signature and lifetime were checked, or null when its tenant,
    /// audience, app or user is not one the model knows (or the user is disabled).
    /// </summary>
    public static TokenCaller? From(TenantDirectory tenants, JsonObject claims, Func<string, bool> audienceAccepted)
    {
        var tenant = tenants.FindById(JwtText.String(claims, "tid"));
        if (tenant is null || !audienceAccepted(JwtText.String(claims, "aud") ?? ""))
        {
            return null;
        }

        var objectId = JwtText.String(claims, "oid") ?? "";
        var roles = Set(claims["roles"] is JsonArray array ? array.Select(r => r?.ToString() ?? "") : []);
        var scopes = Set((JwtText.String(claims, "scp") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (JwtText.String(claims, "idtyp") == "user" || scopes.Count > 0)
        {
            var user = tenant.FindUserById(objectId);
            var client = tenant.FindApp(JwtText.String(claims, "appid") ?? JwtText.String(claims, "azp") ?? "");
            return user is { Enabled: true } && client is not null
                ? new TokenCaller(tenant, client, user, roles, scopes)
                : null;
        }

        var app = tenant.FindAppByServicePrincipal(objectId);
        return app is null ? null : new TokenCaller(tenant, app, null, roles, scopes);
    }

    /// <summary>What the caller may do in Power BI: tenant settings for apps, role and scopes for users.</summary>
    public CallerAccess PowerBiAccess()
    {
        return User is null ? Tenant.AccessFor(App, Roles) : Tenant.AccessForUser(User, Scopes);
    }

    /// <summary>True when the caller is a member of the workspace (service principal or user).</summary>
    public bool IsMemberOf(Workspace workspace)
    {
        return User is null
            ? EmulatedTenant.IsMember(workspace, App.ServicePrincipalId)
            : EmulatedTenant.IsUserMember(workspace, User);
    }

    private static HashSet<string> Set(IEnumerable<string> items)
    {
        return new HashSet<string>(items.Where(i => i.Length > 0), StringComparer.OrdinalIgnoreCase);
    }
}
