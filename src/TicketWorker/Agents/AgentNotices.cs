using System.Text;
using Microsoft.Extensions.Logging;
using TicketWorker.Replies;

namespace TicketWorker.Agents;

/// <summary>
/// What the worker writes to agents about their own mail: an internal note for the team (<c>note</c>
/// template) and the answer to a command it did not understand (<c>command-error</c> template). Both
/// fall back to built-in English text without templates or when a template fails.
/// </summary>
public sealed partial class AgentNotices(TemplateRenderer templates, ILogger<AgentNotices> logger)
{
    public const string NoteTemplate = "note";
    public const string CommandErrorTemplate = "command-error";

    /// <summary>A note by <see cref="ReplyModel.AgentName"/> (the writer) for a team member; <see cref="ReplyModel.Body"/> is the note.</summary>
    public AckContent Note(ReplyModel model, string? language) => Render(NoteTemplate, model, language, DefaultNote);

    /// <summary>"Your mail changed nothing": <see cref="ReplyModel.Body"/> lists the problems, one per line.</summary>
    public AckContent CommandError(ReplyModel model, string? language) => Render(CommandErrorTemplate, model, language, DefaultCommandError);

    public static AckContent DefaultNote(ReplyModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var text = new StringBuilder()
            .Append($"{m.AgentName} wrote an internal note on ticket {m.TicketNumber} (not sent to the customer).\n\n")
            .Append($"Customer: {m.CustomerName} <{m.CustomerEmail}>\nStatus: {m.Status}\nPriority: {m.Priority}\n\n")
            .Append(m.Body).Append('\n');
        return new AckContent($"Note {m.TicketTag}: {m.Subject}", text.ToString(), null, "en");
    }

    public static AckContent DefaultCommandError(ReplyModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var text = new StringBuilder()
            .Append($"Your mail on ticket {m.TicketNumber} was not sent to the customer and changed nothing:\n\n")
            .Append(m.Body).Append("\n\n")
            .Append("Commands go on the first lines, one per line, before any text:\n")
            .Append("#close, #pending, #open, #assign <agent address, name or team>, #priority <low|normal|high|urgent>, #tag <tag>, #note\n")
            .Append("Correct the commands and send your mail again.\n");
        return new AckContent($"Not understood {m.TicketTag}: {m.Subject}", text.ToString(), null, "en");
    }

    private AckContent Render(string name, ReplyModel model, string? language, Func<ReplyModel, AckContent> fallback)
    {
        if (!templates.Templates.ContainsKey(name)) return fallback(model);
        try
        {
            var reply = templates.Render(name, language, model);
            return new AckContent(reply.Subject, reply.Text, reply.Html, reply.Language);
        }
        catch (TemplateException e)
        {
            Log.TemplateFailed(logger, name, model.TicketNumber, e.Message);
            return fallback(model);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The {Template} template failed for ticket {Ticket}; the built-in text is sent: {Reason}")]
        public static partial void TemplateFailed(ILogger logger, string template, long ticket, string reason);
    }
}
