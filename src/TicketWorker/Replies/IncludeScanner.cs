using Scriban.Parsing;
using Scriban.Syntax;

namespace TicketWorker.Replies;

/// <summary>
/// Finds every <c>{% include 'name' %}</c> in a parsed template, taken or not by the sample models,
/// so <c>check</c> can report a missing partial at the line that names it.
/// </summary>
internal sealed class IncludeScanner : ScriptVisitor
{
    private readonly List<(string Name, SourceSpan Span)> _includes = [];

    public static IReadOnlyList<(string Name, SourceSpan Span)> Scan(ScriptNode page)
    {
        var scanner = new IncludeScanner();
        page.Accept(scanner);
        return scanner._includes;
    }

    public override void Visit(ScriptFunctionCall node)
    {
        // A name computed at render time cannot be checked here; rendering the samples covers it.
        if (node.Target is ScriptVariable { Name: "include" } && node.Arguments.Count > 0 && node.Arguments[0] is ScriptLiteral { Value: string name })
            _includes.Add((name, node.Span));
        base.Visit(node);
    }
}
