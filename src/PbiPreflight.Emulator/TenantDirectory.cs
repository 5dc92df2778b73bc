using System.Text.Json;

namespace PbiPreflight.Emulator;

/// <summary>
/// Every tenant the emulator serves. Tenant 0 is the scenario's model as written; tenants 1 to N-1
/// are copies of it with their own tenant id, domain, client ids and secret values, derived from
/// the index so every run serves the same credentials. Tokens carry the tenant (<c>tid</c>), and each
/// service answers from the model of the tenant the token belongs to.
/// </summary>
public sealed class TenantDirectory
{
    /// <summary>The most tenants one emulator serves; a bound that catches a typo before it eats memory.</summary>
    public const int MaxTenants = 1000;

    private readonly Dictionary<string, EmulatedTenant> _byIdOrDomain = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds tenant 0 from <paramref name="model"/> and <paramref name="count"/> - 1 copies of it.</summary>
    public TenantDirectory(Scenario model, int count, DateTimeOffset startedAt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxTenants);

        var tenants = new List<EmulatedTenant>(count) { new(model, startedAt, 0) };
        for (var index = 1; index < count; index++)
        {
            tenants.Add(new EmulatedTenant(CopyFor(model, index), startedAt, index));
        }

        All = tenants;
        foreach (var tenant in tenants)
        {
            _byIdOrDomain.TryAdd(tenant.TenantId, tenant);
            foreach (var domain in tenant.Model.Tenant.Domains)
            {
                _byIdOrDomain.TryAdd(domain, tenant);
            }
        }
    }

    /// <summary>All tenants, tenant 0 first.</summary>
    public IReadOnlyList<EmulatedTenant> All { get; }

    /// <summary>Tenant 0: the scenario's model as written, the one the ready line's top-level fields name.</summary>
    public EmulatedTenant Primary => All[0];

    /// <summary>The tenant an authority segment (tenant id or verified domain) names, or null.</summary>
    public EmulatedTenant? FindServed(string tenantSegment)
    {
        return _byIdOrDomain.GetValueOrDefault(tenantSegment);
    }

    /// <summary>The tenant with this id (a token's <c>tid</c>), or null.</summary>
    public EmulatedTenant? FindById(string? tenantId)
    {
        return tenantId is not null && _byIdOrDomain.TryGetValue(tenantId, out var tenant)
            && string.Equals(tenant.TenantId, tenantId, StringComparison.OrdinalIgnoreCase)
                ? tenant
                : null;
    }

    /// <summary>The tenant id a copy gets: a name-based GUID of the original id and the index.</summary>
    public static string CopyTenantId(string originalTenantId, int index)
    {
        return EmulatedTenant.StableGuid($"tenant-copy:{index}:{originalTenantId}");
    }

    /// <summary>The client id an app gets in a copy.</summary>
    public static string CopyClientId(string originalClientId, int index)
    {
        return EmulatedTenant.StableGuid($"app-copy:{index}:{originalClientId}");
    }

    /// <summary>The secret value a secret gets in a copy: the original value with the index appended.</summary>
    public static string CopySecretValue(string originalValue, int index)
    {
        return $"{originalValue}.t{index:D4}";
    }

    private static Scenario CopyFor(Scenario model, int index)
    {
        // A JSON round trip is the deep copy: the model is a plain data tree read from JSON anyway.
        var copy = JsonSerializer.Deserialize<Scenario>(JsonSerializer.SerializeToUtf8Bytes(model))!;
        var originalTenantId = model.Tenant.Id;

        copy.Tenant.Id = CopyTenantId(originalTenantId, index);
        copy.Tenant.Domains = [.. model.Tenant.Domains.Select(d => CopyDomain(d, index))];

        var clientIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var secretValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var app in copy.Apps)
        {
            var newId = CopyClientId(app.ClientId, index);
            clientIds.TryAdd(app.ClientId, newId);
            app.ClientId = newId;
            foreach (var secret in app.Secrets)
            {
                var newValue = CopySecretValue(secret.Value, index);
                secretValues.TryAdd(secret.Value, newValue);
                secret.Value = newValue;
            }
        }

        foreach (var user in copy.Users)
        {
            user.UserPrincipalName = CopyUserName(user.UserPrincipalName, index);
        }

        if (copy.DeviceCode.User is { } deviceUser)
        {
            copy.DeviceCode.User = CopyUserName(deviceUser, index);
        }

        // What the ready line reports keeps its meaning in every copy: a deliberately unknown tenant,
        // client or secret stays unknown, a real one becomes the copy's.
        if (copy.UserTenant is { } reported)
        {
            if (string.Equals(reported.TenantId, originalTenantId, StringComparison.OrdinalIgnoreCase))
            {
                reported.TenantId = copy.Tenant.Id;
            }

            if (reported.ClientId is not null && clientIds.TryGetValue(reported.ClientId, out var clientId))
            {
                reported.ClientId = clientId;
            }

            if (reported.ClientSecret is not null && secretValues.TryGetValue(reported.ClientSecret, out var value))
            {
                reported.ClientSecret = value;
            }

            if (reported.UserName is not null)
            {
                reported.UserName = CopyUserName(reported.UserName, index);
            }
        }

        return copy;
    }

    private static string CopyDomain(string domain, int index)
    {
        return $"t{index:D4}.{domain}";
    }

    private static string CopyUserName(string userPrincipalName, int index)
    {
        var at = userPrincipalName.LastIndexOf('@');
        return at < 0
            ? userPrincipalName
            : userPrincipalName[..(at + 1)] + CopyDomain(userPrincipalName[(at + 1)..], index);
    }
}
