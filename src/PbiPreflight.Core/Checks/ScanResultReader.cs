using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace PbiPreflight.Checks
{
    /// <summary>
    /// Reads a scan result (<c>WorkspaceInfoResponse</c>) as a stream of JSON tokens and counts what a catalog
    /// needs: workspaces, datasets, and which of them carry tables, expressions, lineage or schema errors. A
    /// result of hundreds of megabytes costs one small buffer, not a copy of the document. Repeated keys are
    /// tolerated and every copy counted.
    /// </summary>
    internal sealed class ScanResultReader
    {
        private const int InitialBufferSize = 64 * 1024;

        private readonly ScanResultSummary summary = new ScanResultSummary();
        private readonly Stack<Role> frames = new Stack<Role>();
        private readonly HashSet<string> rootKeys = new HashSet<string>(StringComparer.Ordinal);
        private readonly List<string> duplicateKeys = new List<string>();
        private string? property;
        private bool sawWorkspaces;
        private DatasetFlags dataset;

        /// <summary>Where a token sits in the document, as far as the counts care.</summary>
        private enum Role
        {
            Other,
            Root,
            Workspaces,
            Workspace,
            Datasets,
            Dataset,
            Tables,
            Table,
            Columns,
            Measures,
            Sources,
            Expression,
            DatasetExpressions,
            SourceUsages,
            DatasourceInstances,
        }

        /// <summary>
        /// Counts the document in <paramref name="body"/>; null when it is JSON but not a scan result.
        /// Throws <see cref="JsonException"/> when it is not JSON.
        /// </summary>
        public static async Task<ScanResultSummary?> ReadAsync(Stream body, CancellationToken cancellation)
        {
            var reader = new ScanResultReader();
            var buffer = new byte[InitialBufferSize];
            var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            var filled = 0;
            var final = false;
            while (!final)
            {
                var read = await body.ReadAsync(buffer, filled, buffer.Length - filled, cancellation)
                    .ConfigureAwait(false);
                final = read == 0;
                filled += read;
                reader.summary.Bytes += read;
                if (reader.summary.Bytes > Http.RestApiClient.MaxBodyBytes)
                {
                    throw new InvalidDataException(Messages.Format(
                        "The scan result is larger than the {0} bytes a preflight reads.",
                        Http.RestApiClient.MaxBodyBytes));
                }

                var consumed = reader.Consume(new ReadOnlySpan<byte>(buffer, 0, filled), final, ref state);
                var left = filled - consumed;
                if (left == buffer.Length)
                {
                    // One token larger than the buffer (a long DAX expression): make room for it.
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                Buffer.BlockCopy(buffer, consumed, buffer, 0, left);
                filled = left;
            }

            return reader.Finish();
        }

        private int Consume(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state)
        {
            var json = new Utf8JsonReader(data, final, state);
            while (json.Read())
            {
                Handle(ref json);
            }

            state = json.CurrentState;
            return (int)json.BytesConsumed;
        }

        private void Handle(ref Utf8JsonReader json)
        {
            switch (json.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = PropertyName(ref json);
                    var repeatedAtRoot = frames.Count == 1 && !rootKeys.Add(property);
                    if (repeatedAtRoot && !duplicateKeys.Contains(property))
                    {
                        duplicateKeys.Add(property);
                    }

                    return;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    Enter(json.TokenType == JsonTokenType.StartArray);
                    return;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    Leave();
                    return;
                default:
                    Value(json.TokenType);
                    return;
            }
        }

        // Invalid UTF-8 in a name is a malformed document like any other, not a different kind of failure.
        private static string PropertyName(ref Utf8JsonReader json)
        {
            try
            {
                return json.GetString() ?? string.Empty;
            }
            catch (InvalidOperationException error)
            {
                throw new JsonException("A property name is not valid UTF-8.", error);
            }
        }

        private void Enter(bool isArray)
        {
            if (frames.Count == 0)
            {
                frames.Push(isArray ? Role.Other : Role.Root);
                return;
            }

            CountElement();
            var parent = frames.Peek();
            var role = isArray ? ArrayRole(parent, property) : ObjectRole(parent);
            if (parent == Role.Dataset && property == "schemaRetrievalError")
            {
                dataset.SchemaError = true;
            }

            if (role == Role.Workspaces)
            {
                sawWorkspaces = true;
            }
            else if (role == Role.DatasourceInstances)
            {
                summary.DatasourceInstances ??= 0;
            }
            else if (role == Role.Dataset)
            {
                dataset = default;
            }

            property = null;
            frames.Push(role);
        }

        private void Leave()
        {
            var role = frames.Pop();
            if (role == Role.Dataset)
            {
                summary.Datasets++;
                summary.DatasetsWithTables += dataset.Tables ? 1 : 0;
                summary.DatasetsWithExpressions += dataset.Expressions ? 1 : 0;
                summary.DatasetsWithSchemaErrors += dataset.SchemaError ? 1 : 0;
                summary.DatasetsWithSourceUsages += dataset.SourceUsages ? 1 : 0;
            }
            else if (role == Role.Workspace)
            {
                summary.Workspaces++;
            }
        }

        private void Value(JsonTokenType token)
        {
            CountElement();
            var parent = frames.Count == 0 ? Role.Other : frames.Peek();
            if (parent == Role.Expression && property == "expression" && token == JsonTokenType.String)
            {
                dataset.Expressions = true;
            }
            else if (parent == Role.Dataset && property == "schemaRetrievalError" && token != JsonTokenType.Null)
            {
                dataset.SchemaError = true;
            }

            property = null;
        }

        /// <summary>An element of an array whose mere presence counts.</summary>
        private void CountElement()
        {
            switch (frames.Count == 0 ? Role.Other : frames.Peek())
            {
                case Role.Columns:
                    dataset.Tables = true;
                    break;
                case Role.DatasetExpressions:
                    dataset.Expressions = true;
                    break;
                case Role.SourceUsages:
                    dataset.SourceUsages = true;
                    break;
                case Role.DatasourceInstances:
                    summary.DatasourceInstances = (summary.DatasourceInstances ?? 0) + 1;
                    break;
            }
        }

        private static Role ArrayRole(Role parent, string? name)
        {
            switch (parent)
            {
                case Role.Root when name == "workspaces":
                    return Role.Workspaces;
                case Role.Root when name == "datasourceInstances":
                    return Role.DatasourceInstances;
                case Role.Workspace when name == "datasets":
                    return Role.Datasets;
                case Role.Dataset when name == "tables":
                    return Role.Tables;
                case Role.Dataset when name == "expressions":
                    return Role.DatasetExpressions;
                case Role.Dataset when name == "datasourceUsages" || name == "upstreamDataflows":
                    return Role.SourceUsages;
                case Role.Table when name == "columns":
                    return Role.Columns;
                case Role.Table when name == "measures":
                    return Role.Measures;
                case Role.Table when name == "source":
                    return Role.Sources;
                default:
                    return Role.Other;
            }
        }

        private static Role ObjectRole(Role parent)
        {
            switch (parent)
            {
                case Role.Workspaces:
                    return Role.Workspace;
                case Role.Datasets:
                    return Role.Dataset;
                case Role.Tables:
                    return Role.Table;
                case Role.Measures:
                case Role.Sources:
                    return Role.Expression;
                default:
                    return Role.Other;
            }
        }

        private ScanResultSummary? Finish()
        {
            if (!sawWorkspaces)
            {
                return null;
            }

            summary.DuplicateKeys = duplicateKeys;
            return summary;
        }

        /// <summary>What the dataset being read has shown so far.</summary>
        private struct DatasetFlags
        {
            public bool Tables;
            public bool Expressions;
            public bool SchemaError;
            public bool SourceUsages;
        }
    }
}
