using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace PbiPreflight.Checks
{
    /// <summary>What a scan result holds, counted without keeping the document.</summary>
    internal sealed class ScanResultSummary
    {
        public int Workspaces { get; private set; }

        public int Datasets { get; private set; }

        public int DatasetsWithTables { get; private set; }

        public int DatasetsWithExpressions { get; private set; }

        public int DatasetsWithSchemaErrors { get; private set; }

        /// <summary>Datasets that name their data sources (lineage asked with <c>lineage=True</c>).</summary>
        public int DatasetsWithSourceUsages { get; private set; }

        /// <summary>Entries of the top-level <c>datasourceInstances</c>; null when the key is absent.</summary>
        public int? DatasourceInstances { get; private set; }

        /// <summary>Top-level keys the document repeats; every copy is counted, as if the arrays were merged.</summary>
        public IReadOnlyList<string> DuplicateKeys { get; private set; } = Array.Empty<string>();

        /// <summary>Counts a <c>WorkspaceInfoResponse</c>; null when the document is not one.</summary>
        public static ScanResultSummary? Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // Enumerating the properties sees every copy of a repeated key, where a lookup would see one.
            var arrays = root.EnumerateObject()
                .Where(property => property.Value.ValueKind == JsonValueKind.Array)
                .ToLookup(property => property.Name, property => property.Value, StringComparer.Ordinal);
            if (!arrays.Contains("workspaces"))
            {
                return null;
            }

            var summary = new ScanResultSummary
            {
                DatasourceInstances = arrays.Contains("datasourceInstances")
                    ? arrays["datasourceInstances"].Sum(list => list.GetArrayLength())
                    : (int?)null,
                DuplicateKeys = root.EnumerateObject()
                    .GroupBy(property => property.Name, StringComparer.Ordinal)
                    .Where(group => group.Count() > 1)
                    .Select(group => group.Key)
                    .ToList(),
            };
            foreach (var workspace in arrays["workspaces"].SelectMany(list => list.EnumerateArray()))
            {
                summary.Workspaces++;
                var datasets = JsonText.Array(workspace, "datasets");
                if (datasets is null)
                {
                    continue;
                }

                foreach (var dataset in datasets.Value.EnumerateArray())
                {
                    summary.Count(dataset);
                }
            }

            return summary;
        }

        private void Count(JsonElement dataset)
        {
            Datasets++;
            var tables = JsonText.Array(dataset, "tables");
            var hasTables = tables?.EnumerateArray()
                .Any(table => JsonText.Array(table, "columns")?.GetArrayLength() > 0) ?? false;
            if (hasTables)
            {
                DatasetsWithTables++;
            }

            // Expressions come back as the dataset's M parameters, a table's source or a measure's DAX.
            var hasExpressions = JsonText.Array(dataset, "expressions")?.GetArrayLength() > 0 ||
                (tables?.EnumerateArray().Any(HasExpression) ?? false);
            if (hasExpressions)
            {
                DatasetsWithExpressions++;
            }

            if (JsonText.Array(dataset, "datasourceUsages")?.GetArrayLength() > 0 ||
                JsonText.Array(dataset, "upstreamDataflows")?.GetArrayLength() > 0)
            {
                DatasetsWithSourceUsages++;
            }

            if (dataset.ValueKind == JsonValueKind.Object &&
                dataset.TryGetProperty("schemaRetrievalError", out var schemaError) &&
                schemaError.ValueKind != JsonValueKind.Null)
            {
                DatasetsWithSchemaErrors++;
            }
        }

        private static bool HasExpression(JsonElement table)
        {
            var sources = JsonText.Array(table, "source");
            var measures = JsonText.Array(table, "measures");
            return (sources?.EnumerateArray().Any(source => JsonText.String(source, "expression") != null) ?? false) ||
                (measures?.EnumerateArray().Any(measure => JsonText.String(measure, "expression") != null) ?? false);
        }
    }
}
