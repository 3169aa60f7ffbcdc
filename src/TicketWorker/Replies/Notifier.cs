using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using TicketWorker.Classification;
using TicketWorker.Configuration;
using TicketWorker.Intake;
using TicketWorker.Mail.Reading;
using TicketWorker.Mail.Writing;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Replies;

/// <summary>
/// Sends a customer's new ticket or further mail on to the agents who work it (issue 13, deliverable
/// 2): the owner, or the team's members when the ticket has no owner (or the owner is away), each
/// by one mail from our mailbox queued in the outbox inside the ticket's own transaction under
/// <c>notify:{ticket}:{message}:{agent}</c>, so a replayed intake never notifies twice. The mail
/// carries the customer's new text, the ticket's facts and attachments, Reply-To with the ticket's
/// token (Reply in any client comes back to the worker), and one References root per ticket so an
/// agent's client shows every notification of a ticket as one thread.
/// </summary>
public sealed partial class Notifier(
    IngestContext context, ITicketStore tickets, IOutboxStore outbox, ISettingsStore settingsStore,
    RawMailStore rawStore, TemplateRenderer templates, TimeProvider time, ILogger<Notifier> logger)
{
    /// <summary>Attachments beyond this many bytes in total are named in the text but not attached.</summary>
    public const long MaxAttachedBytes = 10 * 1024 * 1024;

    private const string TemplateName = "notification";

    // Detached signatures are no file for an agent to open.
    private static readonly string[] SignatureTypes = ["application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"];

    /// <summary>Queues the notifications for one stored customer message; returns the agents notified or why none.</summary>
    /// <param name="followUp">The message was appended to an existing ticket (else it opened <paramref name="ticket"/>).</param>
    /// <param name="newText">What the customer wrote in this message, quotes and signature left out.</param>
    public async Task<NotifyDecision> NotifyAsync(IStorageTransaction tx, TicketRecord ticket, InboundMessage inbound, bool followUp, string newText,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(inbound);
        var policy = context.Policy;
        var settings = policy.Notify;
        var message = inbound.Message;
        var sender = message.From.FirstOrDefault()?.Address ?? "";
        // Only a person's mail is news for an agent: auto-replies, bounces and lists are kept on the ticket silently.
        if (inbound.Classification.Kind != MessageKind.Customer) return NotifyDecision.Skip($"{inbound.Classification.Kind.ToName()} mail does not notify");
        if (followUp ? !settings.FollowUp : !settings.NewTicket) return NotifyDecision.Skip($"notifications are off (rules.yaml notify.{(followUp ? "follow_up" : "new_ticket")})");
        if (inbound.Source.IsHistory) return NotifyDecision.Skip("mail from before the first start");
        if (context.IsOurs(sender))
            return NotifyDecision.Skip("the sender is one of our own mailboxes");
        if (policy.FindAgent(sender) is not null) return NotifyDecision.Skip("the sender is an agent");

        var now = time.GetUtcNow();
        var today = policy.BusinessHours.Default?.Today(now) ?? DateOnly.FromDateTime(now.UtcDateTime);
        var recipients = Recipients(policy, ticket, today).Where(a => OutgoingAddress.IsWritable(a.Email)).ToList();
        if (recipients.Count == 0) return NotifyDecision.Skip("no owner or team member to notify (all away, or the ticket is unassigned without team)");

        var mailbox = context.SendingMailbox(inbound.Source.Mailbox);
        if (mailbox is null) return NotifyDecision.Skip("no mailbox to send from");
        // The acknowledgement may have stored an estimate on the ticket in this transaction: read it back.
        ticket = await tickets.FindTicketByIdAsync(tx, ticket.Id, cancellationToken).ConfigureAwait(false) ?? ticket;
        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var job = new Job(ticket, inbound, followUp, newText, mailbox.SmtpFrom ?? mailbox.Address,
            new ReplyToken(key).Address(mailbox.Address, ticket.Number), mailbox.Name, now);

        if (!message.Attachments.Any(Attachable))
            return await QueueAllAsync(tx, job, recipients, [], cancellationToken).ConfigureAwait(false);

        // The attachments are decoded from the stored raw message to temporary files, one at a time: never all in memory.
        await using var raw = await rawStore.OpenAsync(inbound.Raw.Reference, cancellationToken).ConfigureAwait(false);
        return await MessageReader.ReadWithContentsAsync(raw, async (read, contents) =>
        {
            var files = new List<OutgoingAttachment>();
            try
            {
                long total = 0;
                foreach (var (attachment, index) in read.Attachments.Select((a, i) => (a, i)).Where(p => Attachable(p.a)))
                {
                    if (total + attachment.Size > MaxAttachedBytes) continue;
                    if (await contents.OpenAsync(attachment, cancellationToken).ConfigureAwait(false) is not { } stream) continue;
                    total += attachment.Size;
                    files.Add(new OutgoingAttachment(attachment.FileName ?? $"attachment-{index + 1}", attachment.ContentType, stream));
                }
                return await QueueAllAsync(tx, job, recipients, files, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var file in files) await file.Content.DisposeAsync().ConfigureAwait(false);
            }
        }, context.ReaderOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The owner when present; else (or when the owner is away) the members of the ticket's team who are not away.</summary>
    public static IReadOnlyList<Agent> Recipients(SupportPolicy policy, TicketRecord ticket, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(ticket);
        if (policy.FindAgent(ticket.Owner) is { } owner && !owner.IsAwayOn(today)) return [owner];
        if (policy.FindTeam(ticket.Team) is not { } team) return [];
        return team.Members.Select(policy.FindAgent).OfType<Agent>().Where(a => !a.IsAwayOn(today))
            .DistinctBy(a => a.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The stable root of every notification of a ticket: agents' clients thread by the first References id.</summary>
    public static string ThreadRoot(long ticketNumber, string fromAddress) => $"ticket-{ticketNumber}-thread@{Domain(fromAddress)}";

    private static bool Attachable(ReadAttachment a) => !a.IsInline && !SignatureTypes.Contains(a.ContentType, StringComparer.Ordinal);

    private sealed record Job(TicketRecord Ticket, InboundMessage Inbound, bool FollowUp, string NewText, string FromAddress, string ReplyTo, string Mailbox,
        DateTimeOffset Now);

    private async Task<NotifyDecision> QueueAllAsync(IStorageTransaction tx, Job job, IReadOnlyList<Agent> agents, IReadOnlyList<OutgoingAttachment> files,
        CancellationToken cancellationToken)
    {
        var queued = new List<string>();
        foreach (var agent in agents)
        {
            foreach (var file in files) file.Content.Position = 0;
            if (await QueueAsync(tx, job, agent, files, cancellationToken).ConfigureAwait(false)) queued.Add(agent.Email);
        }
        if (queued.Count == 0) return NotifyDecision.Skip("already queued");
        Log.Queued(logger, job.Ticket.Number, queued.Count, files.Count);
        return new NotifyDecision(queued, "queued");
    }

    private async Task<bool> QueueAsync(IStorageTransaction tx, Job job, Agent agent, IReadOnlyList<OutgoingAttachment> files, CancellationToken cancellationToken)
    {
        var (ticket, inbound) = (job.Ticket, job.Inbound);
        var rowKey = Key(ticket.Id, inbound.MessageId, agent.Email);
        var domain = Domain(job.FromAddress);
        var content = Render(job, agent, files);
        var root = ThreadRoot(ticket.Number, job.FromAddress);
        var written = await new MailWriter(time).WriteAsync(new OutgoingMail
        {
            From = OutgoingAddress.Of(job.FromAddress),
            To = [new OutgoingAddress(agent.Name, agent.Email)],
            ReplyTo = [OutgoingAddress.Of(job.ReplyTo)],
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            Attachments = files,
            Date = job.Now,
            MessageIdDomain = domain,
            Thread = new MailThread(root, [root]),
            Headers =
            [
                // RFC 3834 §5: generated by the system, not a reply to the agent; keeps vacation responders quiet.
                new("Auto-Submitted", "auto-generated"),
                new("X-Auto-Response-Suppress", "All"),
                new("Content-Language", content.Language),
            ],
        }, cancellationToken).ConfigureAwait(false);

        var result = await outbox.EnqueueAsync(tx, new OutboxItem
        {
            IdempotencyKey = rowKey,
            TicketId = ticket.Id,
            Kind = "notification",
            Mailbox = job.Mailbox,
            EnvelopeFrom = job.FromAddress,
            Recipients = [agent.Email],
            MessageId = written.MessageId,
            Raw = written.Raw,
            NextAttemptAt = job.Now,
            CreatedAt = job.Now,
        }, cancellationToken).ConfigureAwait(false);
        if (!result.Created) return false;

        // Stored on the ticket so an agent's reply naming it in References threads to the ticket.
        await tickets.AddMessageAsync(tx, new MessageRecord
        {
            TicketId = ticket.Id,
            Direction = MessageDirection.Outbound,
            Kind = "notification",
            MessageId = written.MessageId,
            InReplyTo = root,
            References = [root],
            From = job.FromAddress,
            To = [agent.Email],
            Subject = content.Subject,
            Date = job.Now,
            Text = content.Text,
            Html = content.Html,
            ReceivedAt = job.Now,
            Status = DeliveryStatus.Queued,
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary><c>notify:{ticket}:{message}:{agent}</c>; a Message-ID too long for the key column is hashed.</summary>
    internal static string Key(long ticketId, string messageId, string agent)
    {
        var id = messageId.Length <= 300 ? messageId : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
        return $"notify:{ticketId}:{id}:{agent.ToLowerInvariant()}";
    }

    private AckContent Render(Job job, Agent agent, IReadOnlyList<OutgoingAttachment> files)
    {
        var (ticket, message) = (job.Ticket, job.Inbound.Message);
        var model = new ReplyModel
        {
            TicketNumber = ticket.Number,
            TicketTag = context.SubjectTag.Format(ticket.Number),
            Subject = ticket.Subject,
            CustomerName = message.From.FirstOrDefault()?.Name ?? ticket.CustomerName ?? "",
            CustomerEmail = message.From.FirstOrDefault()?.Address ?? ticket.CustomerAddress,
            AgentName = agent.Name,
            AgentEmail = agent.Email,
            Body = job.NewText,
            Status = ticket.Status.ToString().ToLowerInvariant(),
            Priority = ticket.Priority,
            Team = ticket.Team,
            Owner = ticket.Owner,
            CreatedAt = ticket.CreatedAt,
            Due = ticket.EstimateDueAt,
            FollowUp = job.FollowUp,
            Attachments = files.Select(f => f.FileName).ToList(),
            SupportAddress = job.FromAddress,
        };
        if (!templates.Templates.ContainsKey(TemplateName)) return DefaultContent(model);
        try
        {
            var reply = templates.Render(TemplateName, agent.Language, model);
            return new AckContent(reply.Subject, reply.Text, reply.Html, reply.Language);
        }
        catch (TemplateException e)
        {
            // A broken template must not keep the customer's mail from the agent: the built-in text goes instead.
            Log.TemplateFailed(logger, ticket.Number, agent.Email, e.Message);
            return DefaultContent(model);
        }
    }

    /// <summary>The built-in English notification, used until templates are configured.</summary>
    public static AckContent DefaultContent(ReplyModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var text = new StringBuilder();
        text.Append(m.FollowUp ? $"The customer wrote again on ticket {m.TicketNumber}.\n\n" : "A new ticket has been opened.\n\n");
        text.Append($"From: {m.CustomerName} <{m.CustomerEmail}>\nPriority: {m.Priority}\nTeam: {m.Team}\n");
        if (m.Due is { } due) text.Append(System.FormattableString.Invariant($"Due: {due:yyyy-MM-dd HH:mm} UTC\n"));
        if (m.Attachments.Count > 0) text.Append("Attached: ").AppendJoin(", ", m.Attachments).Append('\n');
        text.Append('\n').Append(m.Body).Append("\n\nReply to this mail to answer the customer.\n");
        return new AckContent($"{(m.FollowUp ? "Customer reply" : "New ticket")} {m.TicketTag}: {m.Subject}", text.ToString(), null, "en");
    }

    private static string Domain(string address) => address[(address.IndexOf('@') + 1)..];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Notification of ticket {Ticket} queued for {Agents} agent(s) with {Attachments} attachment(s)")]
        public static partial void Queued(ILogger logger, long ticket, int agents, int attachments);

        [LoggerMessage(2, LogLevel.Warning, "The notification template failed for ticket {Ticket} to {Agent}; the built-in text is sent: {Reason}")]
        public static partial void TemplateFailed(ILogger logger, long ticket, string agent, string reason);
    }
}
