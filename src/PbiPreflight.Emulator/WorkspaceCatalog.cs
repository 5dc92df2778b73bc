using System.Globalization;

namespace PbiPreflight.Emulator;

/// <summary>
/// The tenant's workspaces: the ones the scenario spells out, followed by synthetic ones that are
/// made only when asked for, so a tenant of 100,000 workspaces costs nothing until it is paged.
/// </summary>
public sealed class WorkspaceCatalog
{
    /// <summary>The largest <c>generatedWorkspaces</c> a scenario may ask for.</summary>
    public const int MaxGenerated = 10_000_000;

    // Generated ids share this prefix and carry their 1-based number in the last group, so an id
    // maps back to its workspace without storing anything.
    private const string GeneratedPrefix = "6e000000-0000-4000-8000-";

    private readonly IReadOnlyList<Workspace> _explicit;
    private readonly Dictionary<string, Workspace> _byId;
    private readonly int _generated;

    /// <summary>Creates the catalog for a scenario.</summary>
    public WorkspaceCatalog(IReadOnlyList<Workspace> explicitWorkspaces, int generated)
    {
        _explicit = explicitWorkspaces;
        _byId = explicitWorkspaces.ToDictionary(w => w.Id, StringComparer.OrdinalIgnoreCase);
        _generated = generated;
    }

    /// <summary>Total number of workspaces, explicit and generated.</summary>
    public int Count => _explicit.Count + _generated;

    /// <summary>The workspaces the scenario spells out.</summary>
    public IReadOnlyList<Workspace> Explicit => _explicit;

    /// <summary>The workspace at a position of the tenant-wide listing order.</summary>
    public Workspace this[int index] =>
        index < _explicit.Count ? _explicit[index] : Generate(index - _explicit.Count + 1);

    /// <summary>All workspaces in listing order, generated lazily.</summary>
    public IEnumerable<Workspace> All()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    /// <summary>Finds a workspace by id, or null.</summary>
    public Workspace? Find(string id)
    {
        if (_byId.TryGetValue(id, out var workspace))
        {
            return workspace;
        }

        if (id.Length == GeneratedPrefix.Length + 12
            && id.StartsWith(GeneratedPrefix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(id.AsSpan(GeneratedPrefix.Length), NumberStyles.AllowHexSpecifier,
                CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= _generated)
        {
            return Generate((int)number);
        }

        return null;
    }

    private static Workspace Generate(int number)
    {
        return new Workspace
        {
            Id = GeneratedPrefix + number.ToString("x12", CultureInfo.InvariantCulture),
            Name = "Generated workspace " + number.ToString("D6", CultureInfo.InvariantCulture),
            Type = "Workspace",
            State = "Active",
        };
    }
}
