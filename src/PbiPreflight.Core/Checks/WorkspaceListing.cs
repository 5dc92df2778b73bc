using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using PbiPreflight.Http;

namespace PbiPreflight.Checks
{
    /// <summary>One page of a workspace listing, reduced to what the checks use.</summary>
    internal sealed class WorkspaceListing
    {
        private WorkspaceListing(ApiResponse response)
        {
            Response = response;
        }

        public ApiResponse Response { get; }

        /// <summary>False when the answer was refused, failed or could not be read.</summary>
        public bool Readable { get; private set; }

        /// <summary>What was wrong with a 2xx answer that could not be read.</summary>
        public string? ShapeProblem { get; private set; }

        /// <summary>The service's <c>@odata.count</c>, or the page's length when it sent none.</summary>
        public long Count { get; private set; }

        /// <summary>True when the count is the page's length and the page was full, so there may be more.</summary>
        public bool CountIsLowerBound { get; private set; }

        public IReadOnlyList<WorkspaceSummary> Workspaces { get; private set; } = Array.Empty<WorkspaceSummary>();

        /// <summary>Reads a listing; <paramref name="filter"/> applies the name patterns OData could not say.</summary>
        public static WorkspaceListing Read(ApiResponse response, int pageSize, WorkspaceFilter? filter = null)
        {
            var listing = new WorkspaceListing(response);
            if (!response.IsSuccess)
            {
                return listing;
            }

            using var document = response.TryParseJson(out var problem);
            if (document is null)
            {
                listing.ShapeProblem = problem;
                return listing;
            }

            var value = JsonText.Array(document.RootElement, "value");
            if (value is null)
            {
                listing.ShapeProblem = "JSON without a 'value' list";
                return listing;
            }

            listing.Workspaces = value.Value.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.Object)
                .Select(WorkspaceSummary.From)
                .Where(workspace => workspace.Id != null)
                .ToList();
            var count = JsonText.Number(document.RootElement, "@odata.count");

            // Entries without a GUID id, or a negative count, mean the answer is not what it claims to be; an
            // empty result must come from an empty list, never from a list of garbage.
            if (listing.Workspaces.Count != value.Value.GetArrayLength() || count < 0)
            {
                listing.ShapeProblem = "a list whose entries or count are not a workspace listing's";
                listing.Workspaces = Array.Empty<WorkspaceSummary>();
                return listing;
            }

            listing.CountIsLowerBound = count is null && listing.Workspaces.Count >= pageSize;
            if (filter is { FiltersLocally: true })
            {
                // The service's count is of the unfiltered page; what is left after local matching is all we know.
                listing.Workspaces = listing.Workspaces
                    .Where(workspace => filter.MatchesLocally(workspace.Name))
                    .ToList();
                count = null;
            }

            listing.Count = count ?? listing.Workspaces.Count;
            listing.Readable = true;
            return listing;
        }
    }

    /// <summary>A workspace as a listing shows it.</summary>
    internal sealed class WorkspaceSummary
    {
        public string? Id { get; private set; }

        public string? Name { get; private set; }

        public string? Type { get; private set; }

        public string? State { get; private set; }

        public int DatasetCount { get; private set; }

        public bool IsPersonal =>
            string.Equals(Type, "PersonalGroup", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(Type, "Personal", StringComparison.OrdinalIgnoreCase);

        public bool IsActive => State is null || string.Equals(State, "Active", StringComparison.OrdinalIgnoreCase);

        public static WorkspaceSummary From(JsonElement item)
        {
            var datasets = JsonText.Array(item, "datasets");
            return new WorkspaceSummary
            {
                Id = Guid.TryParse(JsonText.String(item, "id"), out var id) ? id.ToString("D") : null,
                Name = JsonText.String(item, "name"),
                Type = JsonText.String(item, "type"),
                State = JsonText.String(item, "state"),
                DatasetCount = datasets?.GetArrayLength() ?? 0,
            };
        }
    }
}
