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
    /// <param name="model">The tenant model.</param>
    /// <param name="startedAt">When the emulator started.</param>
    /// <param name="index">The tenant's position among the tenants served; 0 is the scenario's own.</param>
    public EmulatedTenant(Scenario model, DateTimeOffset startedAt, int index = 0)
    {
        Model = model;
        StartedAt = startedAt;
        Index = index;
        Workspaces = new WorkspaceCatalog(model.Workspaces, model.GeneratedWorkspaces, model.Generate);
        _appsByClientId = model.Apps.ToDictionary(a => a.ClientId, StringComparer.OrdinalIgnoreCase);
        _appsByServicePrincipal = model.Apps.ToDictionary(a => a.ServicePrincipalId, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The tenant model.</summary>
    public Scenario Model { get; }

    /// <summary>When the emulator started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The tenant's position among the tenants served; 0 is the scenario's own model.</summary>
    public int Index { get; }

    /// <summary>All workspaces, explicit and generated.</summary>
    public WorkspaceCatalog Workspaces { get; }

    /// <summary>The tenant id.</summary>
    public string TenantId => Model.Tenant.Id;

    /// <summary>The app registration with this client id, or null.</summary>
    public AppRegistration? FindApp(string clientId)
    {
        return _appsByClientId.GetValueOrDefault(clientId);
    }

    /// <summary>The user with this sign-in name (case-insensitive), or null.</summary>
    public UserAccount? FindUser(string userPrincipalName)
    {
        return Model.Users.Find(
            u => string.Equals(u.UserPrincipalName, userPrincipalName, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The user with this object id, or null.</summary>
    public UserAccount? FindUserById(string objectId)
    {
        return Model.Users.Find(u => string.Equals(u.ObjectId, objectId, StringComparison.OrdinalIgnoreCase));
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
    /// <param name="app">The calling app.</param>
    /// <param name="roles">
    /// The token's <c>roles</c>; any Power BI application permission there closes the admin APIs.
    /// </param>
    public CallerAccess AccessFor(AppRegistration app, IReadOnlyCollection<string> roles)
    {
        var settings = Model.TenantSettings;
        var publicApis = Allows(settings.ServicePrincipalsCanUseApis, app.ServicePrincipalId);
        var adminApis = Allows(settings.ServicePrincipalsCanAccessReadOnlyAdminApis, app.ServicePrincipalId)
            && roles.Count == 0;

        // Both "Enhance admin APIs responses" settings reach service principals only through the
        // read-only admin API setting, and expressions need detailed metadata too.
        var detailed = adminApis && Allows(settings.EnhanceAdminApisDetailedMetadata, app.ServicePrincipalId);
        var expressions = detailed && Allows(settings.EnhanceAdminApisExpressions, app.ServicePrincipalId);
        return new CallerAccess(publicApis, adminApis, detailed, expressions);
    }

    /// <summary>
    /// Applies the tenant settings and the user's role to a delegated caller. Tenant settings for service
    /// principals do not concern users; the admin APIs need a Fabric administrator whose token carries
    /// Tenant.Read.All or Tenant.ReadWrite.All, and <c>groups</c> needs a Workspace scope.
    /// </summary>
    public CallerAccess AccessForUser(UserAccount user, IReadOnlySet<string> scopes)
    {
        var settings = Model.TenantSettings;
        var publicApis = scopes.Contains("Workspace.Read.All") || scopes.Contains("Workspace.ReadWrite.All");
        var adminApis = user.FabricAdministrator
            && (scopes.Contains("Tenant.Read.All") || scopes.Contains("Tenant.ReadWrite.All"));
        var detailed = adminApis && Allows(settings.EnhanceAdminApisDetailedMetadata, user.ObjectId);
        var expressions = detailed && Allows(settings.EnhanceAdminApisExpressions, user.ObjectId);
        return new CallerAccess(publicApis, adminApis, detailed, expressions);
    }

    /// <summary>True when the workspace lists the user (by sign-in name or object id) among its users.</summary>
    public static bool IsUserMember(Workspace workspace, UserAccount user)
    {
        return workspace.Users.Any(u =>
            string.Equals(u["identifier"]?.ToString(), user.UserPrincipalName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(u["graphId"]?.ToString(), user.ObjectId, StringComparison.OrdinalIgnoreCase));
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
            UserName = Model.UserTenant?.UserName ?? Model.Users.FirstOrDefault()?.UserPrincipalName,
            Password = Model.UserTenant?.Password ?? Model.Users.FirstOrDefault()?.Password,
        };
    }

    /// <summary>The group with this object id, or null.</summary>
    public SecurityGroup? FindGroup(string id)
    {
        return Model.Groups.Find(g => string.Equals(g.Id, id, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Groups that list <paramref name="memberId"/> (a service principal or a group) as a member.</summary>
    public IEnumerable<SecurityGroup> DirectGroupsOf(string memberId)
    {
        return Model.Groups.Where(g => g.Members.Contains(memberId, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Groups the member belongs to directly or through nested groups, nearest first; a cycle in the
    /// model ends where it closes instead of looping.
    /// </summary>
    public List<SecurityGroup> TransitiveGroupsOf(string memberId)
    {
        var found = new List<SecurityGroup>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<string>([memberId]);
        while (pending.TryDequeue(out var current))
        {
            foreach (var group in DirectGroupsOf(current))
            {
                if (seen.Add(group.Id))
                {
                    found.Add(group);
                    pending.Enqueue(group.Id);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The object id of an app's application object in Microsoft Graph. The model does not spell it
    /// out, so it is derived from the client id: stable across runs and distinct from every other id.
    /// </summary>
    public static string ApplicationObjectId(AppRegistration app)
    {
        return StableGuid("application:" + app.ClientId);
    }

    /// <summary>The app whose application object has this Graph object id, or null.</summary>
    public AppRegistration? FindAppByObjectId(string objectId)
    {
        return Model.Apps.Find(
            a => string.Equals(ApplicationObjectId(a), objectId, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A name-based GUID (version 5 layout): the same seed always gives the same id.</summary>
    public static string StableGuid(string seed)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed))[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    /// <summary>
    /// Whether a setting admits a service principal: enabled, scoped to the whole organisation or to
    /// a group the principal is a direct member of, and not excluded through a group it is directly in.
    /// </summary>
    public bool Allows(TenantSetting setting, string servicePrincipalId)
    {
        if (!setting.Enabled)
        {
            return false;
        }

        // Only direct membership counts, as the admin portal's guidance asks for; nesting is what
        // the nested-group scenario shows failing.
        var direct = DirectGroupsOf(servicePrincipalId).Select(g => g.Id).ToList();
        if (setting.ExcludedGroups.Any(id => direct.Contains(id, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        return setting.Groups.Count == 0
            || setting.Groups.Any(id => direct.Contains(id, StringComparer.OrdinalIgnoreCase));
    }
}
