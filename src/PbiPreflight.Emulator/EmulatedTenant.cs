namespace PbiPreflight.Emulator;

/// <summary>What a caller may do, worked out from the tenant settings and group memberships.</summary>
/// <param name="PublicApis">May call public APIs such as GET groups.</param>
/// <param name="ReadOnlyAdminApis">May call admin/* (GetGroupsAsAdmin, scanner, refreshables).</param>
/// <param name="DetailedMetadata">Scan results carry tables, columns and measures.</param>
/// <param name="Expressions">Scan results also carry DAX and M expressions.</param>
public sealed record CallerAccess(bool PublicApis, bool ReadOnlyAdminApis, bool DetailedMetadata, bool Expressions);

/// <summary>
/// The scenario's tenant with the look-ups and rules both services need: which apps exist, which
/// groups a service principal is in, and what the tenant settings allow it.
/// </summary>
public sealed class EmulatedTenant
{
    private readonly Dictionary<string, AppRegistration> _appsByClientId;
    private readonly Dictionary<string, AppRegistration> _appsByServicePrincipal;

    /// <summary>Builds the look-ups; secret expiry is measured from <paramref name="startedAt"/>.</summary>
    public EmulatedTenant(Scenario model, DateTimeOffset startedAt)
    {
        Model = model;
        StartedAt = startedAt;
        Workspaces = new WorkspaceCatalog(model.Workspaces, model.GeneratedWorkspaces);
        _appsByClientId = model.Apps.ToDictionary(a => a.ClientId, StringComparer.OrdinalIgnoreCase);
        _appsByServicePrincipal = model.Apps.ToDictionary(a => a.ServicePrincipalId, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The tenant model.</summary>
    public Scenario Model { get; }

    /// <summary>When the emulator started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>All workspaces, explicit and generated.</summary>
    public WorkspaceCatalog Workspaces { get; }

    /// <summary>The tenant id.</summary>
    public string TenantId => Model.Tenant.Id;

    /// <summary>True when an authority segment (tenant id or verified domain) names this tenant.</summary>
    public bool IsServed(string tenantSegment)
    {
        return string.Equals(tenantSegment, Model.Tenant.Id, StringComparison.OrdinalIgnoreCase)
            || Model.Tenant.Domains.Contains(tenantSegment, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The app registration with this client id, or null.</summary>
    public AppRegistration? FindApp(string clientId)
    {
        return _appsByClientId.GetValueOrDefault(clientId);
    }

    /// <summary>The app whose service principal has this object id, or null.</summary>
    public AppRegistration? FindAppByServicePrincipal(string servicePrincipalId)
    {
        return _appsByServicePrincipal.GetValueOrDefault(servicePrincipalId);
    }

    /// <summary>When a secret expires.</summary>
    public DateTimeOffset ExpiryOf(ClientSecret secret)
    {
        return StartedAt + TimeSpan.FromDays(secret.ExpiresInDays);
    }

    /// <summary>A capacity by id, or null.</summary>
    public Capacity? FindCapacity(string? id)
    {
        return id is null
            ? null
            : Model.Capacities.Find(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Applies the tenant settings to a calling app. Empty setting groups mean the whole organisation.
    /// An app with Power BI application permissions is refused by the admin APIs: the two ways of
    /// authorising a service principal are mutually exclusive.
    /// </summary>
    public CallerAccess AccessFor(AppRegistration app)
    {
        var settings = Model.TenantSettings;
        var publicApis = Allows(settings.ServicePrincipalsCanUseApis, app.ServicePrincipalId);
        var adminApis = Allows(settings.ServicePrincipalsCanAccessReadOnlyAdminApis, app.ServicePrincipalId)
            && app.ApplicationPermissions.Count == 0;

        // Both "Enhance admin APIs responses" settings reach service principals only through the
        // read-only admin API setting, and expressions need detailed metadata too.
        var detailed = adminApis && Allows(settings.EnhanceAdminApisDetailedMetadata, app.ServicePrincipalId);
        var expressions = detailed && Allows(settings.EnhanceAdminApisExpressions, app.ServicePrincipalId);
        return new CallerAccess(publicApis, adminApis, detailed, expressions);
    }

    /// <summary>True when the service principal is a member of the workspace.</summary>
    public static bool IsMember(Workspace workspace, string servicePrincipalId)
    {
        return workspace.Members.Contains(servicePrincipalId, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The credentials a user of this scenario would type, as the ready line reports them.</summary>
    public UserCredentials ReadyCredentials()
    {
        var firstApp = Model.Apps.FirstOrDefault();
        return new UserCredentials
        {
            TenantId = Model.UserTenant?.TenantId ?? Model.Tenant.Id,
            ClientId = Model.UserTenant?.ClientId ?? firstApp?.ClientId ?? "",
            ClientSecret = Model.UserTenant?.ClientSecret ?? firstApp?.Secrets.FirstOrDefault()?.Value ?? "",
        };
    }

    private bool Allows(TenantSetting setting, string servicePrincipalId)
    {
        if (!setting.Enabled)
        {
            return false;
        }

        // Only direct membership counts, as the admin portal's guidance asks for.
        return setting.Groups.Count == 0 || Model.Groups.Any(g =>
            setting.Groups.Contains(g.Id, StringComparer.OrdinalIgnoreCase)
            && g.Members.Contains(servicePrincipalId, StringComparer.OrdinalIgnoreCase));
    }
}
