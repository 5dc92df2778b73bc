using System.Collections.Concurrent;

namespace PbiPreflight.Emulator;

/// <summary>The getInfo query switches.</summary>
/// <param name="Lineage">lineage=true.</param>
/// <param name="DatasourceDetails">datasourceDetails=true.</param>
/// <param name="DatasetSchema">datasetSchema=true.</param>
/// <param name="DatasetExpressions">datasetExpressions=true.</param>
/// <param name="ArtifactUsers">getArtifactUsers=true.</param>
public sealed record ScanOptions(
    bool Lineage, bool DatasourceDetails, bool DatasetSchema, bool DatasetExpressions, bool ArtifactUsers);

/// <summary>A scan requested through getInfo.</summary>
/// <param name="Id">The scan id.</param>
/// <param name="Tenant">The tenant whose caller asked for the scan.</param>
/// <param name="Created">When getInfo was answered.</param>
/// <param name="WorkspaceIds">The requested workspace ids, in request order.</param>
/// <param name="Options">The getInfo switches.</param>
/// <param name="Access">What the caller was allowed when the scan was requested.</param>
public sealed record ScanJob(
    string Id,
    EmulatedTenant Tenant,
    DateTimeOffset Created,
    IReadOnlyList<string> WorkspaceIds,
    ScanOptions Options,
    CallerAccess Access);

/// <summary>The state of a scan at a moment.</summary>
public enum ScanState
{
    /// <summary>Queued.</summary>
    NotStarted,

    /// <summary>In progress.</summary>
    Running,

    /// <summary>Done; the result can be fetched.</summary>
    Succeeded,

    /// <summary>Done with an error.</summary>
    Failed,
}

/// <summary>Scans requested during this run, shared by getInfo, scanStatus and scanResult.</summary>
public sealed class ScanStore
{
    private readonly ConcurrentDictionary<string, ScanJob> _jobs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records a new scan.</summary>
    public void Add(ScanJob job)
    {
        _jobs[job.Id] = job;
    }

    /// <summary>Finds a scan by id among those of <paramref name="tenant"/>.</summary>
    public ScanJob? Find(string id, EmulatedTenant tenant)
    {
        return _jobs.TryGetValue(id, out var job) && ReferenceEquals(job.Tenant, tenant) ? job : null;
    }

    /// <summary>
    /// Where a scan stands: queued for the first quarter of the scan duration, running until the
    /// duration has passed, then finished as the scenario says.
    /// </summary>
    public static ScanState StateOf(ScanJob job, Scenario model, DateTimeOffset now)
    {
        var elapsed = (now - job.Created).TotalMilliseconds;
        if (elapsed >= model.ScanDurationMs)
        {
            return model.Scan.Fails ? ScanState.Failed : ScanState.Succeeded;
        }

        return elapsed < model.ScanDurationMs / 4.0 ? ScanState.NotStarted : ScanState.Running;
    }
}
