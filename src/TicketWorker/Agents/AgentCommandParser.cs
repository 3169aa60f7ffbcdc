using System.Text.RegularExpressions;
using TicketWorker.Rules;

namespace TicketWorker.Agents;

/// <summary>
/// Reads the email commands on the lines at the very top of an agent's new text, before any other
/// text: <c>#close</c>, <c>#pending</c>, <c>#open</c>, <c>#assign &lt;agent email|name|team&gt;</c>,
/// <c>#priority &lt;low|normal|high|urgent&gt;</c>, <c>#tag &lt;t&gt;</c>, <c>#note</c> (the rest of
/// the mail, and any text after <c>#note</c> on its line, is an internal note). Blank lines before
/// and between command lines are allowed; the first other line ends the commands, so a <c>#</c>
/// further down is text. Pure: no I/O.
/// </summary>
public static partial class AgentCommandParser
{
    /// <summary>Commands are read from at most this many lines: a mail of hundreds of <c>#</c> lines is not a command list.</summary>
    public const int MaxCommandLines = 20;

    private static readonly Dictionary<string, AgentCommandKind> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["close"] = AgentCommandKind.Close,
        ["pending"] = AgentCommandKind.Pending,
        ["open"] = AgentCommandKind.Open,
        ["assign"] = AgentCommandKind.Assign,
        ["priority"] = AgentCommandKind.Priority,
        ["tag"] = AgentCommandKind.Tag,
        ["note"] = AgentCommandKind.Note,
    };

    /// <summary>Parses <paramref name="newText"/> (the agent's text, quotes and signature already left out).</summary>
    public static AgentCommands Parse(string? newText, SupportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var lines = (newText ?? "").ReplaceLineEndings("\n").Split('\n');
        var commands = new List<AgentCommand>();
        var errors = new List<string>();
        var i = 0;
        string? noteFirstLine = null;
        for (var seen = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var m = CommandLine().Match(line);
            if (!m.Success || seen++ >= MaxCommandLines) break;
            var name = m.Groups["name"].Value;
            var argument = m.Groups["arg"].Value.Trim();
            if (!Names.TryGetValue(name, out var kind))
            {
                errors.Add($"#{name}: unknown command (known: #close, #pending, #open, #assign, #priority, #tag, #note)");
                continue;
            }
            if (kind == AgentCommandKind.Note)
            {
                commands.Add(new AgentCommand(kind));
                noteFirstLine = argument;
                i++;
                break; // everything after #note is the note
            }
            if (Resolve(kind, argument, policy, out var error) is { } command) commands.Add(command);
            else errors.Add(error!);
        }

        var rest = string.Join('\n', lines.Skip(i)).Trim();
        if (!string.IsNullOrEmpty(noteFirstLine)) rest = (noteFirstLine + "\n" + rest).Trim();
        if (commands.Count(c => c.Kind is AgentCommandKind.Close or AgentCommandKind.Pending or AgentCommandKind.Open) > 1)
            errors.Add("more than one of #close, #pending and #open: write the one you mean");
        if (commands.Count(c => c.Kind == AgentCommandKind.Priority) > 1) errors.Add("#priority given more than once");
        if (commands.Count(c => c.Kind == AgentCommandKind.Assign) > 1) errors.Add("#assign given more than once");
        return new AgentCommands(commands, rest, errors);
    }

    private static AgentCommand? Resolve(AgentCommandKind kind, string argument, SupportPolicy policy, out string? error)
    {
        error = null;
        switch (kind)
        {
            case AgentCommandKind.Close or AgentCommandKind.Pending or AgentCommandKind.Open:
                if (argument.Length == 0) return new AgentCommand(kind);
                error = $"#{Name(kind)} takes no argument (got '{argument}')";
                return null;
            case AgentCommandKind.Priority:
                var priority = argument.ToLowerInvariant();
                if (Priorities.IsKnown(priority)) return new AgentCommand(kind, priority);
                error = argument.Length == 0
                    ? "#priority needs one of: low, normal, high, urgent"
                    : $"#priority '{argument}': not a priority (use one of: low, normal, high, urgent)";
                return null;
            case AgentCommandKind.Tag:
                var tag = argument.ToLowerInvariant();
                if (TagPattern().IsMatch(tag)) return new AgentCommand(kind, tag);
                error = argument.Length == 0
                    ? "#tag needs a tag, e.g. #tag billing"
                    : $"#tag '{argument}': a tag is one word of letters, digits, '-', '_', '.' or ':' (at most 50)";
                return null;
            case AgentCommandKind.Assign:
                if (argument.Length == 0)
                {
                    error = "#assign needs an agent (address or name) or a team";
                    return null;
                }
                if (policy.FindAgent(argument) is { } byEmail) return new AgentCommand(kind, byEmail.Email);
                var byName = policy.Agents.Where(a => string.Equals(a.Name, argument, StringComparison.OrdinalIgnoreCase)).ToList();
                if (byName.Count == 1) return new AgentCommand(kind, byName[0].Email);
                if (policy.FindTeam(argument) is { } team) return new AgentCommand(kind, team.Name, AssignsTeam: true);
                error = byName.Count > 1
                    ? $"#assign '{argument}': several agents have this name; use the address"
                    : $"#assign '{argument}': no such agent or team (agents: {string.Join(", ", policy.Agents.Select(a => a.Email))}; teams: {string.Join(", ", policy.Teams.Select(t => t.Name))})";
                return null;
            default:
                error = $"#{Name(kind)}: unknown command";
                return null;
        }
    }

    private static string Name(AgentCommandKind kind) => kind.ToString().ToLowerInvariant();

    // "#word" then optional argument; "#123" or "# heading" are not commands (text).
    [GeneratedRegex(@"^#(?<name>[A-Za-z][A-Za-z_-]*)(?:[ \t]+(?<arg>.*))?$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^[\p{L}\p{N}_.:-]{1,50}$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex TagPattern();
}
