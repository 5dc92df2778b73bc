using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace PbiPreflight.Checks
{
    /// <summary>
    /// The caller's workspace filters as OData <c>$filter</c> terms the service applies, so a filter costs no
    /// extra call. A name pattern OData cannot say (a <c>?</c>, a <c>*</c> inside the text, brackets) is applied
    /// here to the one page that came back instead, and the result says so.
    /// </summary>
    internal sealed class WorkspaceFilter
    {
        private readonly List<Regex> localPatterns = new List<Regex>();

        public WorkspaceFilter(PreflightRequest request)
        {
            var terms = new List<string>();
            if (request.WorkspaceIds.Count > 0)
            {
                terms.Add(AnyOf(request.WorkspaceIds.Select(id => "id eq '" + id.ToString("D") + "'")));
            }

            var nameTerms = new List<string>();
            foreach (var pattern in request.WorkspaceNames)
            {
                var term = ODataTerm(pattern);
                if (term is null)
                {
                    localPatterns.Add(WildcardToRegex(pattern));
                }
                else
                {
                    nameTerms.Add(term);
                }
            }

            // Patterns OData cannot say are matched locally, so the service must not narrow by name at all.
            if (nameTerms.Count > 0 && localPatterns.Count == 0)
            {
                terms.Add(AnyOf(nameTerms));
            }

            CommonTerms = terms;
            ExcludePersonal = request.ExcludePersonalWorkspaces;
        }

        /// <summary>Terms both listings take.</summary>
        public IReadOnlyList<string> CommonTerms { get; }

        public bool ExcludePersonal { get; }

        /// <summary>True when some name pattern is applied to the returned page rather than by the service.</summary>
        public bool FiltersLocally => localPatterns.Count > 0;

        /// <summary>The public listing's path: one small page.</summary>
        public string PublicListingPath(int pageSize) => Path("groups", pageSize, CommonTerms, expand: null);

        /// <summary>
        /// The admin listing's path: active workspaces with their datasets, so the scan can sample workspaces
        /// that hold something.
        /// </summary>
        public string AdminListingPath(int pageSize)
        {
            var terms = new List<string> { "state eq 'Active'" };
            if (ExcludePersonal)
            {
                terms.Add("type eq 'Workspace'");
            }

            terms.AddRange(CommonTerms);
            return Path("admin/groups", pageSize, terms, expand: "datasets");
        }

        /// <summary>Whether a workspace name passes the patterns that are applied locally.</summary>
        public bool MatchesLocally(string? name)
        {
            return !FiltersLocally || (name != null && localPatterns.Any(pattern => pattern.IsMatch(name)));
        }

        private static string Path(string resource, int pageSize, IReadOnlyList<string> terms, string? expand)
        {
            var query = "?$top=" + pageSize;
            if (terms.Count > 0)
            {
                query += "&$filter=" + Uri.EscapeDataString(string.Join(" and ", terms));
            }

            return resource + query + (expand is null ? string.Empty : "&$expand=" + expand);
        }

        private static string AnyOf(IEnumerable<string> terms) => "(" + string.Join(" or ", terms) + ")";

        /// <summary>The OData term for a name pattern, or null when OData functions cannot express it.</summary>
        private static string? ODataTerm(string pattern)
        {
            if (pattern.IndexOfAny(new[] { '?', '[', ']' }) >= 0)
            {
                return null;
            }

            var leading = pattern.StartsWith("*", StringComparison.Ordinal);
            var trailing = pattern.EndsWith("*", StringComparison.Ordinal) && pattern.Length > 1;
            var text = pattern.Trim('*');
            if (text.Length == 0)
            {
                return "id ne ''";
            }

            if (text.Contains("*"))
            {
                return null;
            }

            var literal = "'" + text.Replace("'", "''") + "'";
            if (leading && trailing)
            {
                return "contains(name," + literal + ")";
            }

            if (trailing)
            {
                return "startswith(name," + literal + ")";
            }

            return leading ? "endswith(name," + literal + ")" : "name eq " + literal;
        }

        private static Regex WildcardToRegex(string pattern)
        {
            var expression = "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".")
                .Replace("\\[", "[").Replace("\\]", "]") + "$";
            return new Regex(expression, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
    }
}
