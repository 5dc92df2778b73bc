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
        private readonly List<Regex> patterns = new List<Regex>();

        /// <summary>Reads the filters; a malformed pattern throws <see cref="PreflightArgumentException"/>.</summary>
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
                var parts = Parse(pattern);
                patterns.Add(ToRegex(pattern, parts));
                var term = ODataTerm(parts);
                if (term is null)
                {
                    FiltersLocally = true;
                }
                else
                {
                    nameTerms.Add(term);
                }
            }

            // When one pattern must be matched here, all are: the service must not narrow by name at all.
            if (nameTerms.Count > 0 && !FiltersLocally)
            {
                terms.Add(AnyOf(nameTerms));
            }

            CommonTerms = terms;
            ExcludePersonal = request.ExcludePersonalWorkspaces;
        }

        /// <summary>One element of a wildcard pattern.</summary>
        private enum PartKind
        {
            Literal,
            AnyRun,
            AnyOne,
            Set,
        }

        /// <summary>Terms both listings take.</summary>
        public IReadOnlyList<string> CommonTerms { get; }

        public bool ExcludePersonal { get; }

        /// <summary>True when the name patterns are applied to the returned page rather than by the service.</summary>
        public bool FiltersLocally { get; }

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
            return !FiltersLocally || (name != null && patterns.Any(pattern => pattern.IsMatch(name)));
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

        /// <summary>
        /// Splits a PowerShell wildcard pattern into its parts: a backtick makes the next character literal,
        /// <c>*</c> and <c>?</c> match runs and single characters, <c>[...]</c> a set.
        /// </summary>
        private static List<(PartKind Kind, string Text)> Parse(string pattern)
        {
            var parts = new List<(PartKind Kind, string Text)>();
            for (var index = 0; index < pattern.Length; index++)
            {
                var character = pattern[index];
                if (character == '`' && index + 1 < pattern.Length)
                {
                    parts.Add((PartKind.Literal, pattern[++index].ToString()));
                }
                else if (character == '*' || character == '?')
                {
                    parts.Add((character == '*' ? PartKind.AnyRun : PartKind.AnyOne, string.Empty));
                }
                else if (character == '[')
                {
                    var close = pattern.IndexOf(']', index + 1);
                    if (close < 0)
                    {
                        throw InvalidPattern(pattern);
                    }

                    parts.Add((PartKind.Set, pattern.Substring(index + 1, close - index - 1)));
                    index = close;
                }
                else
                {
                    parts.Add((PartKind.Literal, character.ToString()));
                }
            }

            return parts;
        }

        /// <summary>The OData term for a pattern, or null when OData's string functions cannot express it.</summary>
        private static string? ODataTerm(List<(PartKind Kind, string Text)> parts)
        {
            var leading = parts.Count > 0 && parts[0].Kind == PartKind.AnyRun;
            var trailing = parts.Count > 1 && parts[parts.Count - 1].Kind == PartKind.AnyRun;
            var skipped = (leading ? 1 : 0) + (trailing ? 1 : 0);
            var middle = parts.Skip(leading ? 1 : 0).Take(parts.Count - skipped).ToList();
            if (middle.Any(part => part.Kind != PartKind.Literal))
            {
                return null;
            }

            var text = string.Concat(middle.Select(part => part.Text));
            if (text.Length == 0)
            {
                return "id ne ''";
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

        private static Regex ToRegex(string pattern, List<(PartKind Kind, string Text)> parts)
        {
            var expression = "^" + string.Concat(parts.Select(part =>
            {
                switch (part.Kind)
                {
                    case PartKind.AnyRun:
                        return ".*";
                    case PartKind.AnyOne:
                        return ".";
                    case PartKind.Set:
                        return "[" + part.Text.Replace("\\", "\\\\").Replace("^", "\\^") + "]";
                    default:
                        return Regex.Escape(part.Text);
                }
            })) + "$";

            try
            {
                return new Regex(expression, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException)
            {
                // A set such as [z-a] is malformed whatever the engine.
                throw InvalidPattern(pattern);
            }
        }

        private static PreflightArgumentException InvalidPattern(string pattern)
        {
            return new PreflightArgumentException(
                "InvalidWorkspaceName",
                "WorkspaceName",
                Messages.Format(Messages.InvalidWorkspaceName, pattern));
        }
    }
}
