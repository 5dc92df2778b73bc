using System.Globalization;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// The tenant's workspaces: the ones the scenario spells out, followed by synthetic ones that are
/// made only when asked for, so a tenant of 100,000 workspaces costs nothing until it is paged.
/// </summary>
public sealed class WorkspaceCatalog
{
    /// <summary>The largest number of generated workspaces a scenario may ask for.</summary>
    public const int MaxGenerated = 10_000_000;

    /// <summary>The largest <c>datasetsPerWorkspace</c> and <c>tablesPerDataset</c>.</summary>
    public const int MaxGeneratedChildren = 1000;

    // Generated ids share a prefix and carry their 1-based numbers in the last two groups, so an id
    // maps back to what it names without storing anything.
    private const string GeneratedPrefix = "6e000000-0000-4000-8000-";
    private const string DatasetPrefix = "6da00000-0000-4000-";
    private const string DatasourcePrefix = "6d500000-0000-4000-";

    private readonly IReadOnlyList<Workspace> _explicit;
    private readonly Dictionary<string, Workspace> _byId;
    private readonly int _generated;
    private readonly int _datasetsPerWorkspace;
    private readonly int _tablesPerDataset;

    /// <summary>Creates the catalog for a scenario.</summary>
    public WorkspaceCatalog(IReadOnlyList<Workspace> explicitWorkspaces, int generated, GeneratedTenant? shape = null)
    {
        _explicit = explicitWorkspaces;
        _byId = explicitWorkspaces.ToDictionary(w => w.Id, StringComparer.OrdinalIgnoreCase);

        // generatedWorkspaces is the older spelling of generate.workspaces without content.
        _generated = shape?.Workspaces > 0 ? shape.Workspaces : generated;
        _datasetsPerWorkspace = shape?.DatasetsPerWorkspace ?? 0;
        _tablesPerDataset = shape?.TablesPerDataset ?? 0;
    }

    /// <summary>Total number of workspaces, explicit and generated.</summary>
    public int Count => _explicit.Count + _generated;

    /// <summary>The workspaces the scenario spells out.</summary>
    public IReadOnlyList<Workspace> Explicit => _explicit;

    /// <summary>The workspace at a position of the tenant-wide listing order, with its content.</summary>
    public Workspace this[int index] =>
        index < _explicit.Count ? _explicit[index] : Generate(index - _explicit.Count + 1, withContent: true);

    /// <summary>
    /// All workspaces in listing order, generated lazily and without datasets: enough for filters
    /// and id lists. <see cref="WithContent"/> fills in one that is about to be answered.
    /// </summary>
    public IEnumerable<Workspace> All()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return i < _explicit.Count ? _explicit[i] : Generate(i - _explicit.Count + 1, withContent: false);
        }
    }

    /// <summary>The same workspace with its datasets; explicit workspaces are returned as they are.</summary>
    public Workspace WithContent(Workspace workspace)
    {
        return _byId.ContainsKey(workspace.Id) ? workspace : Find(workspace.Id) ?? workspace;
    }

    /// <summary>Finds a workspace by id, with its content, or null.</summary>
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
            return Generate((int)number, withContent: true);
        }

        return null;
    }

    private Workspace Generate(int number, bool withContent)
    {
        var suffix = number.ToString("x12", CultureInfo.InvariantCulture);
        var label = number.ToString("D6", CultureInfo.InvariantCulture);
        var workspace = new Workspace
        {
            Id = GeneratedPrefix + suffix,
            Name = "Generated workspace " + label,
            Type = "Workspace",
            State = "Active",
        };

        if (!withContent)
        {
            return workspace;
        }

        for (var d = 1; d <= _datasetsPerWorkspace; d++)
        {
            // The dataset's number sits in the fourth id group (after the variant nibble 8).
            var middle = "8" + d.ToString("x3", CultureInfo.InvariantCulture) + "-";
            var dataset = new Dataset
            {
                Id = DatasetPrefix + middle + suffix,
                Name = $"Generated model {label}-{d}",
                ConfiguredBy = "svc.pbi@contoso.example",
                Tables = [.. Enumerable.Range(1, _tablesPerDataset).Select(GenerateTable)],
                Datasources =
                [
                    new Datasource
                    {
                        DatasourceId = DatasourcePrefix + middle + suffix,
                        DatasourceType = "Sql",
                        ConnectionDetails = new JsonObject
                        {
                            ["server"] = "sql01.contoso.example",
                            ["database"] = "Generated" + label,
                        },
                    },
                ],
            };
            workspace.Datasets.Add(dataset);
        }

        return workspace;
    }

    private static DatasetTable GenerateTable(int number)
    {
        var name = "Table" + number.ToString(CultureInfo.InvariantCulture);
        return new DatasetTable
        {
            Name = name,
            Columns =
            [
                new DatasetColumn { Name = "Id", DataType = "Int64", IsHidden = true },
                new DatasetColumn { Name = "Name", DataType = "String" },
                new DatasetColumn { Name = "Amount", DataType = "Double" },
            ],
            Measures = [new DatasetMeasure { Name = $"Total {name}", Expression = $"SUM({name}[Amount])" }],
            Source = $"let Source = Sql.Database(\"sql01.contoso.example\", \"Generated\"), "
                + $"T = Source{{[Schema=\"dbo\",Item=\"{name}\"]}}[Data] in T",
        };
    }
}
