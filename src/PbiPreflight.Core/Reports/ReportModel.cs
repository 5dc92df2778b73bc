using System;
using System.Collections.Generic;
using System.Linq;

namespace PbiPreflight.Reports
{
    /// <summary>The results of one report, grouped by tenant in the order the tenants first appear.</summary>
    internal sealed class ReportModel
    {
        public ReportModel(IReadOnlyList<CheckResult> results)
        {
            Results = results;

            // A tenant named in two spellings of case is the same directory.
            Tenants = results
                .GroupBy(result => result.TenantId ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                .Select(group => new TenantReport(group.Key, group.ToList()))
                .ToList();
        }

        /// <summary>Every result, in input order.</summary>
        public IReadOnlyList<CheckResult> Results { get; }

        /// <summary>The tenants in the order they first appear.</summary>
        public IReadOnlyList<TenantReport> Tenants { get; }

        /// <summary>Failing tenants first, then those with warnings, then passing ones; input order within
        /// each.</summary>
        public IReadOnlyList<TenantReport> TenantsBySeverity =>
            Tenants.OrderBy(tenant => TenantReport.Rank(tenant.Verdict)).ToList();

        public int Count(CheckStatus status) => Results.Count(result => result.Status == status);

        public int TenantCount(CheckStatus verdict) => Tenants.Count(tenant => tenant.Verdict == verdict);

        public DateTimeOffset? Earliest => Results.Count == 0 ? (DateTimeOffset?)null : Results.Min(r => r.Timestamp);

        public DateTimeOffset? Latest => Results.Count == 0 ? (DateTimeOffset?)null : Results.Max(r => r.Timestamp);

        public TimeSpan TotalDuration => Tenants.Aggregate(TimeSpan.Zero, (sum, tenant) => sum + tenant.TotalDuration);
    }

    /// <summary>One tenant's results and what they add up to.</summary>
    internal sealed class TenantReport
    {
        // What an admin reads first: what breaks the crawl, then what degrades it, then what was not checked,
        // then what works.
        private static readonly CheckStatus[] Severity =
        {
            CheckStatus.Failed, CheckStatus.Warning, CheckStatus.Skipped, CheckStatus.Passed,
        };

        public TenantReport(string tenantId, IReadOnlyList<CheckResult> results)
        {
            TenantId = tenantId;
            Results = results;
        }

        public string TenantId { get; }

        /// <summary>The tenant's results in input order, which is the order the checks ran.</summary>
        public IReadOnlyList<CheckResult> Results { get; }

        /// <summary>Failed first, then warnings, skipped and passed; input order within each status.</summary>
        public IEnumerable<CheckResult> BySeverity =>
            Results.OrderBy(result => Rank(result.Status));

        /// <summary>Failed when any check failed, else Warning when any warned, else Passed.</summary>
        public CheckStatus Verdict =>
            Count(CheckStatus.Failed) > 0 ? CheckStatus.Failed
            : Count(CheckStatus.Warning) > 0 ? CheckStatus.Warning
            : CheckStatus.Passed;

        public int Count(CheckStatus status) => Results.Count(result => result.Status == status);

        /// <summary>A status's place in <see cref="BySeverity"/>: 0 for Failed.</summary>
        public static int Rank(CheckStatus status) => Array.IndexOf(Severity, status);

        public DateTimeOffset Earliest => Results.Min(result => result.Timestamp);

        public TimeSpan TotalDuration => Results.Aggregate(TimeSpan.Zero, (sum, result) => sum + result.Duration);
    }
}
