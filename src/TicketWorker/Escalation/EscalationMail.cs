using System.Globalization;
using Microsoft.Extensions.Logging;
using TicketWorker.Intake;
using TicketWorker.Mail.Writing;
using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Escalation;

/// <summary>
/// The mail the scan sends, queued in the outbox inside the scan's transaction: an escalation notice
/// to an agent (<c>escalation:{ticket}:{level}:{agent}</c>, Reply-To the agent's own token) and the
/// auto-close notice to the customer (<c>autoclose:{ticket}:{pending since}</c>, Reply-To the ticket's token).
/// </summary>
public sealed partial class EscalationMail(
    IngestContext context, ITicketStore tickets, IOutboxStore outbox, ISettingsStore settingsStore, TemplateRenderer templates,
    TimeProvider time, ILogger<EscalationMail> logger)
{
    /// <summary>Queues the escalation notice of <paramref name="level"/> to <paramref name="agent"/>; false when there is no mailbox or it was queued before.</summary>
    public async Task<bool> QueueEscalationAsync(IStorageTransaction tx, TicketRecord ticket, int level, string reason, Agent agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(agent);
        if (context.SendingMailbox(null) is not { } mailbox || !OutgoingAddress.IsWritable(agent.Email)) return false;
        var now = time.GetUtcNow().ToUniversalTime();
        var from = mailbox.SmtpFrom ?? mailbox.Address;
        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var model = Model(ticket, from) with { AgentName = agent.Name, AgentEmail = agent.Email, EscalationLevel = level, EscalationReason = reason };
        var content = Render(TemplateNames.Escalation, agent.Language, model, ticket.Number, DefaultEscalation);
        var root = Notifier.ThreadRoot(ticket.Number, from);
        return await QueueAsync(tx, ticket, $"escalation:{ticket.Id}:{level}:{agent.Email.ToLowerInvariant()}", "escalation", mailbox.Name, from, new OutgoingMail
        {
            From = OutgoingAddress.Of(from),
            To = [new OutgoingAddress(agent.Name, agent.Email)],
            ReplyTo = [OutgoingAddress.Of(new ReplyToken(key).AddressForAgent(mailbox.Address, ticket.Number, agent.Email))],
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            Date = now,
            MessageIdDomain = Domain(from),
            Thread = new MailThread(root, [root]),
            Headers = [new("Auto-Submitted", "auto-generated"), new("X-Auto-Response-Suppress", "All"), new("Content-Language", content.Language)],
        }, agent.Email, root, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues the "closed, reply to reopen" notice to the customer of an auto-closed ticket.</summary>
    public async Task<bool> QueueClosedAsync(IStorageTransaction tx, TicketRecord ticket, DateTimeOffset pendingSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (context.SendingMailbox(null) is not { } mailbox || !OutgoingAddress.IsWritable(ticket.CustomerAddress)) return false;
        var now = time.GetUtcNow().ToUniversalTime();
        var from = mailbox.SmtpFrom ?? mailbox.Address;
        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var content = Render(TemplateNames.Closed, ticket.Language, Model(ticket, from), ticket.Number, DefaultClosed);
        var details = await tickets.GetTicketWithMessagesAsync(tx, ticket.Number, cancellationToken).ConfigureAwait(false);
        var parent = details?.Messages.LastOrDefault(m => m.Direction == MessageDirection.Inbound);
        var thread = parent is null ? MailThread.None : MailThread.ReplyTo(parent.MessageId, parent.References, parent.InReplyTo is null ? null : [parent.InReplyTo]);
        var since = pendingSince.UtcTicks.ToString(CultureInfo.InvariantCulture);
        return await QueueAsync(tx, ticket, $"autoclose:{ticket.Id}:{since}", "closed", mailbox.Name, from, new OutgoingMail
        {
            From = OutgoingAddress.Of(from),
            To = [new OutgoingAddress(ticket.CustomerName, ticket.CustomerAddress)],
            ReplyTo = [OutgoingAddress.Of(new ReplyToken(key).Address(mailbox.Address, ticket.Number))],
            Subject = context.SubjectTag.Apply(content.Subject, ticket.Number),
            Text = content.Text,
            Html = content.Html,
            Date = now,
            MessageIdDomain = Domain(from),
            Thread = thread,
            // RFC 3834 §5: an automatic message; it answers no particular mail of the customer's.
            Headers = [new("Auto-Submitted", "auto-generated"), new("Content-Language", content.Language)],
        }, ticket.CustomerAddress, thread.InReplyTo, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> QueueAsync(IStorageTransaction tx, TicketRecord ticket, string idempotencyKey, string kind, string mailbox, string from,
        OutgoingMail mail, string recipient, string? inReplyTo, CancellationToken cancellationToken)
    {
        var now = mail.Date ?? time.GetUtcNow().ToUniversalTime();
        var written = await new MailWriter(time).WriteAsync(mail, cancellationToken).ConfigureAwait(false);
        var result = await outbox.EnqueueAsync(tx, new OutboxItem
        {
            IdempotencyKey = idempotencyKey,
            TicketId = ticket.Id,
            Kind = kind,
            Mailbox = mailbox,
            EnvelopeFrom = from,
            Recipients = [recipient],
            MessageId = written.MessageId,
            Raw = written.Raw,
            NextAttemptAt = now,
            CreatedAt = now,
        }, cancellationToken).ConfigureAwait(false);
        if (!result.Created) return false;
        await tickets.AddMessageAsync(tx, new MessageRecord
        {
            TicketId = ticket.Id,
            Direction = MessageDirection.Outbound,
            Kind = kind,
            MessageId = written.MessageId,
            InReplyTo = inReplyTo,
            References = mail.Thread.References,
            From = from,
            To = [recipient],
            Subject = mail.Subject,
            Date = now,
            Text = mail.Text,
            ReceivedAt = now,
            Status = DeliveryStatus.Queued,
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private ReplyModel Model(TicketRecord ticket, string from) => new()
    {
        TicketNumber = ticket.Number,
        TicketTag = context.SubjectTag.Format(ticket.Number),
        Subject = ticket.Subject,
        CustomerName = ticket.CustomerName ?? "",
        CustomerEmail = ticket.CustomerAddress,
        Status = ticket.Status.ToString().ToLowerInvariant(),
        Priority = ticket.Priority,
        Team = ticket.Team,
        Owner = ticket.Owner,
        CreatedAt = ticket.CreatedAt,
        Due = ticket.EstimateDueAt,
        SupportAddress = from,
    };

    private AckContent Render(string name, string? language, ReplyModel model, long number, Func<ReplyModel, AckContent> fallback)
    {
        if (!templates.Templates.ContainsKey(name)) return fallback(model);
        try
        {
            var reply = templates.Render(name, language, model);
            return new AckContent(reply.Subject, reply.Text, reply.Html, reply.Language);
        }
        catch (TemplateException e)
        {
            // A broken template must not stop the escalation: the built-in text goes instead.
            Log.TemplateFailed(logger, name, number, e.Message);
            return fallback(model);
        }
    }

    private static AckContent DefaultEscalation(ReplyModel m) => new(
        $"Escalation level {m.EscalationLevel} {m.TicketTag}: {m.Subject}",
        $"Ticket {m.TicketTag} \"{m.Subject}\" has been escalated to level {m.EscalationLevel}.\n\nReason: {m.EscalationReason}\nPriority: {m.Priority}\nTeam: {m.Team}\n\nPlease take a look at it.\n",
        null, "en");

    private static AckContent DefaultClosed(ReplyModel m) => new(
        $"Your request {m.TicketTag} has been closed",
        $"Hello,\n\nYour request \"{m.Subject}\" ({m.TicketTag}) has been closed as we did not hear back from you.\nWas your problem solved? If not, simply reply to this mail and the request will be reopened.\n",
        null, "en");

    private static string Domain(string address) => address[(address.IndexOf('@') + 1)..];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The {Template} template failed for ticket {Ticket}; the built-in text is sent: {Reason}")]
        public static partial void TemplateFailed(ILogger logger, string template, long ticket, string reason);
    }
}
