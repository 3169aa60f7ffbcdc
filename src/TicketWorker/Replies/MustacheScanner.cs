namespace TicketWorker.Replies;

/// <summary>
/// A structural pass over Handlebars source that Handlebars.Net does not do with positions:
/// unterminated tags, unbalanced blocks, <c>{{else}}</c> outside a block, unknown helpers and
/// missing partials, each with its 1-based line and column inside the section.
/// </summary>
internal static class MustacheScanner
{
    /// <summary>Helpers Handlebars.Net provides itself.</summary>
    private static readonly HashSet<string> BuiltInHelpers = ["if", "unless", "each", "with", "lookup", "log", "*inline"];

    public readonly record struct Problem(int Line, int Column, string Message);

    public static List<Problem> Scan(string source, Func<string, bool> isHelper, Func<string, bool> isPartial)
    {
        var problems = new List<Problem>();
        var open = new Stack<(string Name, int Offset)>();
        var i = 0;
        while (true)
        {
            var start = source.IndexOf("{{", i, StringComparison.Ordinal);
            if (start < 0) break;
            if (start > 0 && source[start - 1] == '\\') { i = start + 2; continue; } // \{{ is literal

            string close;
            var innerStart = start + 2;
            if (source.AsSpan(innerStart).StartsWith("!--")) close = "--}}";
            else if (source.AsSpan(innerStart).StartsWith("{")) { close = "}}}"; innerStart++; }
            else close = "}}";
            var end = source.IndexOf(close, innerStart, StringComparison.Ordinal);
            if (end < 0)
            {
                problems.Add(At(source, start, "'{{' is never closed with '" + close + "'"));
                break;
            }
            i = end + close.Length;
            var inner = source[innerStart..end].Trim().Trim('~').Trim();
            if (inner.StartsWith('!')) continue;
            Check(source, start, inner, open, problems, isHelper, isPartial);
        }
        foreach (var (name, offset) in open)
            problems.Add(At(source, offset, $"'{{{{#{name}}}}}' is never closed (add '{{{{/{name}}}}}')"));
        problems.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        return problems;
    }

    private static void Check(string source, int offset, string inner, Stack<(string Name, int Offset)> open,
        List<Problem> problems, Func<string, bool> isHelper, Func<string, bool> isPartial)
    {
        if (inner.Length == 0) { problems.Add(At(source, offset, "empty '{{}}'")); return; }
        var sigil = inner[0];
        switch (sigil)
        {
            case '#' or '^' when inner.Length > 1 || sigil == '#':
            {
                var tokens = Tokens(inner[1..]);
                if (tokens.Count == 0) { problems.Add(At(source, offset, "a block needs a name, e.g. '{{#if value}}'")); return; }
                var name = tokens[0];
                if (name.StartsWith('>')) name = name[1..]; // partial block {{#> name}}
                open.Push((name, offset));
                if (tokens.Count > 1 && !BuiltInHelpers.Contains(name) && !isHelper(name))
                    problems.Add(At(source, offset, $"unknown block helper '{name}'"));
                CheckArguments(source, offset, tokens.Skip(1), problems, isHelper);
                return;
            }
            case '/':
            {
                var name = inner[1..].Trim();
                if (open.Count == 0) { problems.Add(At(source, offset, $"'{{{{/{name}}}}}' closes no open block")); return; }
                var (openName, openOffset) = open.Pop();
                if (!openName.Equals(name, StringComparison.Ordinal))
                {
                    var (line, col) = Position(source, openOffset);
                    problems.Add(At(source, offset, $"'{{{{/{name}}}}}' does not close '{{{{#{openName}}}}}' opened at {line}:{col}"));
                }
                return;
            }
            case '>':
            {
                var tokens = Tokens(inner[1..]);
                if (tokens.Count == 0) { problems.Add(At(source, offset, "a partial needs a name, e.g. '{{> signature}}'")); return; }
                var name = tokens[0].Trim('"', '\'');
                if (!name.StartsWith('(') && !isPartial(name))
                    problems.Add(At(source, offset, $"partial '{name}' not found (expected partials/{name}.<lang>.hbs or partials/{name}.hbs)"));
                return;
            }
            case '^':
                // Bare {{^}} is an inverse section marker like {{else}}.
                if (open.Count == 0) problems.Add(At(source, offset, "'{{^}}' outside a block"));
                return;
        }

        var body = sigil == '&' ? inner[1..] : inner;
        var words = Tokens(body);
        if (words.Count == 0) return;
        if (words[0] == "else")
        {
            if (open.Count == 0) problems.Add(At(source, offset, "'{{else}}' outside a block"));
            CheckArguments(source, offset, words.Skip(2), problems, isHelper);
            return;
        }
        // With arguments the first word must be a helper; alone it may be a value.
        if (words.Count > 1 && !BuiltInHelpers.Contains(words[0]) && !isHelper(words[0]))
            problems.Add(At(source, offset, $"unknown helper '{words[0]}'"));
        CheckArguments(source, offset, words.Skip(1), problems, isHelper);
    }

    // Sub-expressions "(helper arg)" call helpers too.
    private static void CheckArguments(string source, int offset, IEnumerable<string> args, List<Problem> problems, Func<string, bool> isHelper)
    {
        foreach (var arg in args)
        {
            var a = arg.Contains('=') && !arg.StartsWith('(') ? arg[(arg.IndexOf('=') + 1)..] : arg;
            if (!a.StartsWith('(') || !a.EndsWith(')')) continue;
            var inner = Tokens(a[1..^1]);
            if (inner.Count == 0) { problems.Add(At(source, offset, "empty '()'")); continue; }
            if (!BuiltInHelpers.Contains(inner[0]) && !isHelper(inner[0]))
                problems.Add(At(source, offset, $"unknown helper '{inner[0]}'"));
            CheckArguments(source, offset, inner.Skip(1), problems, isHelper);
        }
    }

    /// <summary>Splits on spaces outside quotes and parentheses.</summary>
    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var depth = 0;
        char quote = '\0';
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') { quote = c; if (start < 0) start = i; continue; }
            if (c == '(') depth++;
            if (c == ')') depth--;
            if (char.IsWhiteSpace(c) && depth <= 0)
            {
                if (start >= 0) tokens.Add(text[start..i]);
                start = -1;
            }
            else if (start < 0) start = i;
        }
        return tokens;
    }

    private static Problem At(string source, int offset, string message)
    {
        var (line, col) = Position(source, offset);
        return new Problem(line, col, message);
    }

    public static (int Line, int Column) Position(string source, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < source.Length; i++)
            if (source[i] == '\n') { line++; lineStart = i + 1; }
        return (line, offset - lineStart + 1);
    }
}
