using System;
using System.Collections.Generic;

namespace PbiPreflight.Checks
{
    /// <summary>What a scan result holds, counted while it streams past; the document itself is never kept.</summary>
    internal sealed class ScanResultSummary
    {
        public int Workspaces { get; internal set; }

        public int Datasets { get; internal set; }

        public int DatasetsWithTables { get; internal set; }

        public int DatasetsWithExpressions { get; internal set; }

        public int DatasetsWithSchemaErrors { get; internal set; }

        /// <summary>Datasets that name their data sources (lineage asked with <c>lineage=True</c>).</summary>
        public int DatasetsWithSourceUsages { get; internal set; }

        /// <summary>Entries of the top-level <c>datasourceInstances</c>; null when the key is absent.</summary>
        public int? DatasourceInstances { get; internal set; }

        /// <summary>Top-level keys the document repeats; every copy is counted, as if the arrays were merged.</summary>
        public IReadOnlyList<string> DuplicateKeys { get; internal set; } = Array.Empty<string>();

        /// <summary>How many bytes the body had.</summary>
        public long Bytes { get; internal set; }
    }
}
