using System.Globalization;
using System.Text;

namespace PbiPreflight.Emulator;

/// <summary>
/// The OData system query options of Power BI list calls: <c>$top</c>, <c>$skip</c>,
/// <c>$filter</c> and <c>$expand</c>.
/// </summary>
public sealed class ODataQuery
{
    private ODataQuery(int? top, int skip, ODataFilter? filter, IReadOnlySet<string> expand)
    {
        Top = top;
        Skip = skip;
        Filter = filter;
        Expand = expand;
    }

    /// <summary>The page size, if given.</summary>
    public int? Top { get; }

    /// <summary>Items to skip before the page.</summary>
    public int Skip { get; }

    /// <summary>The filter, if given.</summary>
    public ODataFilter? Filter { get; }

    /// <summary>The expanded relations, lower case.</summary>
    public IReadOnlySet<string> Expand { get; }

    /// <summary>
    /// Reads the options. <paramref name="filterFields"/> are the properties <c>$filter</c> may use,
    /// <paramref name="expandable"/> the relations <c>$expand</c> may name; anything else is an error
    /// message for a 400 InvalidRequest.
    /// </summary>
    public static ODataQuery? Parse(
        IQueryCollection query,
        IReadOnlySet<string> filterFields,
        IReadOnlySet<string> expandable,
        out string? error)
    {
        int? top = null;
        if (query.TryGetValue("$top", out var topText))
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"Invalid value '{topText}' for the $top query option.";
                return null;
            }

            top = value;
        }

        var skip = 0;
        if (query.TryGetValue("$skip", out var skipText)
            && !int.TryParse(skipText, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
        {
            error = $"Invalid value '{skipText}' for the $skip query option.";
            return null;
        }

        ODataFilter? filter = null;
        if (query.TryGetValue("$filter", out var filterText) && !string.IsNullOrWhiteSpace(filterText))
        {
            filter = ODataFilter.Parse(filterText.ToString(), filterFields, out error);
            if (filter is null)
            {
                return null;
            }
        }

        var expand = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var expandItems = query["$expand"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var item in expandItems)
        {
            if (!expandable.Contains(item))
            {
                error = $"Invalid $expand value '{item}'. Supported values: {string.Join(", ", expandable)}.";
                return null;
            }

            expand.Add(item.ToLowerInvariant());
        }

        error = null;
        return new ODataQuery(top, skip, filter, expand);
    }
}

/// <summary>
/// A small OData <c>$filter</c>: <c>field eq|ne literal</c>, <c>contains|startswith|endswith(field,'text')</c>,
/// <c>not</c>, parentheses, joined with <c>and</c>/<c>or</c>. Comparisons ignore case.
/// </summary>
public sealed class ODataFilter
{
    private readonly Func<Func<string, object?>, bool> _predicate;

    private ODataFilter(Func<Func<string, object?>, bool> predicate)
    {
        _predicate = predicate;
    }

    /// <summary>
    /// Evaluates the filter; <paramref name="field"/> returns a property's value by its declared name.
    /// </summary>
    public bool Matches(Func<string, object?> field) => _predicate(field);

    /// <summary>Parses a filter, or returns null and an error message.</summary>
    public static ODataFilter? Parse(string text, IReadOnlySet<string> fields, out string? error)
    {
        try
        {
            var parser = new Parser(Tokenize(text), fields);
            var predicate = parser.ParseOr();
            parser.ExpectEnd();
            error = null;
            return new ODataFilter(predicate);
        }
        catch (FormatException exception)
        {
            error = $"Invalid $filter '{text}': {exception.Message}";
            return null;
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '\'')
            {
                // String literals keep their quote so the parser can tell them from names; '' escapes a quote.
                var literal = new StringBuilder("'");
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("unterminated string literal");
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            literal.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    literal.Append(text[i++]);
                }

                tokens.Add(literal.ToString());
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or ',' or '\''))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }

    private static string? AsText(object? value) => value switch
    {
        null => null,
        bool flag => flag ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private sealed class Parser(List<string> tokens, IReadOnlySet<string> fields)
    {
        private int _position;

        public Func<Func<string, object?>, bool> ParseOr()
        {
            var left = ParseAnd();
            while (Accept("or"))
            {
                var l = left;
                var r = ParseAnd();
                left = f => l(f) || r(f);
            }

            return left;
        }

        public void ExpectEnd()
        {
            if (_position < tokens.Count)
            {
                throw new FormatException($"unexpected '{tokens[_position]}'");
            }
        }

        private Func<Func<string, object?>, bool> ParseAnd()
        {
            var left = ParseUnary();
            while (Accept("and"))
            {
                var l = left;
                var r = ParseUnary();
                left = f => l(f) && r(f);
            }

            return left;
        }

        private Func<Func<string, object?>, bool> ParseUnary()
        {
            if (Accept("not"))
            {
                var inner = ParseUnary();
                return f => !inner(f);
            }

            if (Accept("("))
            {
                var inner = ParseOr();
                Expect(")");
                return inner;
            }

            var word = Next();
            var function = word.ToLowerInvariant();
            if (function is "contains" or "startswith" or "endswith")
            {
                Expect("(");
                var functionField = Field(Next());
                Expect(",");
                var argument = Literal(Next()) ?? throw new FormatException($"{function} needs a text argument");
                Expect(")");
                const StringComparison ignoreCase = StringComparison.OrdinalIgnoreCase;
                return function switch
                {
                    "contains" => f => AsText(f(functionField))?.Contains(argument, ignoreCase) == true,
                    "startswith" => f => AsText(f(functionField))?.StartsWith(argument, ignoreCase) == true,
                    _ => f => AsText(f(functionField))?.EndsWith(argument, ignoreCase) == true,
                };
            }

            var field = Field(word);
            var op = Next().ToLowerInvariant();
            var value = Literal(Next());
            return op switch
            {
                "eq" => f => string.Equals(AsText(f(field)), value, StringComparison.OrdinalIgnoreCase),
                "ne" => f => !string.Equals(AsText(f(field)), value, StringComparison.OrdinalIgnoreCase),
                _ => throw new FormatException($"operator '{op}' is not supported (use eq or ne)"),
            };
        }

        private string Field(string token)
        {
            return fields.FirstOrDefault(f => f.Equals(token, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"property '{token}' cannot be filtered on");
        }

        private static string? Literal(string token)
        {
            if (token.StartsWith('\''))
            {
                return token[1..];
            }

            if (token.Equals("null", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            // Booleans, numbers and bare GUIDs compare by their text.
            if (token.Equals("true", StringComparison.OrdinalIgnoreCase)
                || token.Equals("false", StringComparison.OrdinalIgnoreCase)
                || Guid.TryParse(token, out _)
                || double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return token.ToLowerInvariant();
            }

            throw new FormatException($"'{token}' is not a literal");
        }

        private string Next()
        {
            if (_position >= tokens.Count)
            {
                throw new FormatException("the expression ends too early");
            }

            return tokens[_position++];
        }

        private bool Accept(string token)
        {
            if (_position < tokens.Count && tokens[_position].Equals(token, StringComparison.OrdinalIgnoreCase)
                && !tokens[_position].StartsWith('\''))
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw new FormatException($"'{token}' expected");
            }
        }
    }
}
