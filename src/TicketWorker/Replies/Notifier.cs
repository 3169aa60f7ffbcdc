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
/// carries the customer's new text, the ticket's facts and attachments, Reply-To with the agent's own
/// token for the ticket (<see cref="ReplyToken.AddressForAgent"/>: Reply in any client comes back to the
/// worker and proves who answers), and one References root per ticket so an agent's client shows every
/// notification of a ticket as one thread. An assignment (<c>#assign</c>) notifies the new owner or team the same way.
/// Intake queues a customer's notifications as recipes (<see cref="NotificationRecipe"/>, Message-ID and Date fixed):
/// the sender writes each one just before its first attempt (<see cref="Outbox.IOutboxComposer"/>) and keeps the bytes.
/// </summary>
public sealed partial class Notifier(
    IngestContext context, ITicketStore tickets, IOutboxStore outbox, ISettingsStore settingsStore,
    RawMailStore rawStore, TemplateRenderer templates, TimeProvider time, ILogger<Notifier> logger, StorageDatabase database) : Outbox.IOutboxComposer
{
    /// <summary>Attachments beyond this many bytes in total are named in the text but not attached.</summary>
    public const long MaxAttachedBytes = 10 * 1024 * 1024;

    private const string TemplateName = "notification";
    private const string NotificationKind = "notification";
    private const string AssignmentTemplateName = "assignment";

    // Detached signatures are no file for an agent to open.
    private static readonly string[] SignatureTypes = ["application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"];

    /// <summary>Queues the notifications for a customer message stored in <paramref name="tx"/>; returns the agents notified or why none.</summary>
    /// <param name="followUp">The message was appended to an existing ticket (else it opened <paramref name="ticket"/>).</param>
    /// <param name="unverifiedAgent">The message claims an agent's From but was not verified (Agents/AgentMail): it is news like a customer's.</param>
    public async Task<NotifyDecision> NotifyAsync(IStorageTransaction tx, TicketRecord ticket, InboundMessage inbound, bool followUp,
        CancellationToken cancellationToken, bool unverifiedAgent = false)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(inbound);
        var policy = context.Policy;
        var settings = policy.Notify;
        var message = inbound.Message;
        var sender = message.From.FirstOrDefault()?.Address ?? "";
        // Only a person's mail is news for an agent: auto-replies, bounces and lists are kept on the ticket silently.
        if (inbound.Classification.Kind != MessageKind.Customer && !(unverifiedAgent && inbound.Classification.Kind == MessageKind.Agent)) return NotifyDecision.Skip($"{inbound.Classification.Kind.ToName()} mail does not notify");
        if (followUp ? !settings.FollowUp : !settings.NewTicket) return NotifyDecision.Skip($"notifications are off (rules.yaml notify.{(followUp ? "follow_up" : "new_ticket")})");
        if (inbound.Source.IsHistory) return NotifyDecision.Skip("mail from before the first start");
        if (context.IsOurs(sender))
            return NotifyDecision.Skip("the sender is one of our own mailboxes");
        if (policy.FindAgent(sender) is not null && !unverifiedAgent) return NotifyDecision.Skip("the sender is an agent");

        var now = time.GetUtcNow();
        var today = policy.BusinessHours.Default?.Today(now) ?? DateOnly.FromDateTime(now.UtcDateTime);
        var recipients = Recipients(policy, ticket, today).Where(a => OutgoingAddress.IsWritable(a.Email)).ToList();
        if (recipients.Count == 0) return NotifyDecision.Skip("no owner or team member to notify (all away, or the ticket is unassigned without team)");

        var mailbox = context.SendingMailbox(inbound.Source.Mailbox);
        if (mailbox is null) return NotifyDecision.Skip("no mailbox to send from");
        // Only the intent is queued here, inside intake's batch: the sender writes each mail from the stored
        // ticket and message just before sending it (ComposeAsync), so rendering, MIME-encoding and attachments
        // stay off intake's single writer. Message-ID and Date are fixed now; the thread works from this commit.
        var tokens = new ReplyToken(await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false));
        var fromAddress = mailbox.SmtpFrom ?? mailbox.Address;
        var attach = message.Attachments.Any(Attachable);
        var queued = new List<string>();
        foreach (var agent in recipients)
        {
            var recipe = new NotificationRecipe(inbound.MessageId, agent.Email, agent.Name, agent.Language,
                tokens.AddressForAgent(mailbox.Address, ticket.Number, agent.Email), followUp, attach);
            await QueueRecipeAsync(tx, ticket, Key(ticket.Id, inbound.MessageId, agent.Email), recipe, fromAddress, mailbox.Name, now, cancellationToken).ConfigureAwait(false);
            queued.Add(agent.Email);
        }
        Log.Queued(logger, ticket.Number, queued.Count, attach ? message.Attachments.Count(Attachable) : 0);
        return new NotifyDecision(queued, "queued");
    }

    /// <summary>Queues one notification as its recipe; its outbound message on the ticket is stored when it is composed (ComposedMail.Message).</summary>
    private async Task QueueRecipeAsync(IStorageTransaction tx, TicketRecord ticket, string key, NotificationRecipe recipe, string fromAddress, string mailbox,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var messageId = MailWriter.NewMessageId(Domain(fromAddress));
        // The key names the message this transaction stored: no row can hold it yet, so nothing is read back.
        await outbox.EnqueueNewAsync(tx, new OutboxItem
        {
            IdempotencyKey = key,
            TicketId = ticket.Id,
            Kind = NotificationKind,
            Mailbox = mailbox,
            EnvelopeFrom = fromAddress,
            Recipients = [recipe.Agent],
            MessageId = messageId,
            Raw = [],
            Recipe = recipe.ToJson(),
            NextAttemptAt = now,
            CreatedAt = now,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public bool Composes(string kind) => kind == NotificationKind;

    /// <summary>
    /// Writes a notification queued as a recipe, from the ticket and the customer's message as stored now (the
    /// ticket's facts as they are when it is sent), with the Message-ID and Date fixed when it was queued.
    /// </summary>
    public async Task<Outbox.ComposedMail> ComposeAsync(OutboxItem row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var recipe = NotificationRecipe.FromJson(row.Recipe) ?? throw new Outbox.OutboxCompositionException($"the recipe of outbox row {row.Id} cannot be read");
        var (ticket, message) = await database.InReadAsync(async tx => (
            row.TicketId is { } id ? await tickets.FindTicketByIdAsync(tx, id, cancellationToken).ConfigureAwait(false) : null,
            await tickets.FindMessageByMessageIdAsync(tx, recipe.Message, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        if (ticket is null) throw new Outbox.OutboxCompositionException($"the ticket of outbox row {row.Id} is not stored");
        if (message is null) throw new Outbox.OutboxCompositionException($"the customer's message <{recipe.Message}> is not stored");
        var fromAddress = row.EnvelopeFrom ?? throw new Outbox.OutboxCompositionException($"outbox row {row.Id} has no sender address");
        // The agent as rules.yaml has them now (name, language); as queued when they were removed since.
        var agent = context.Policy.FindAgent(recipe.Agent) ?? new Agent(recipe.Agent, recipe.AgentName, [], recipe.Language, Away: false);
        var job = new Job(ticket, new ReadAddress(message.FromName, message.From), recipe.FollowUp, message.NewText ?? message.Text ?? "", fromAddress, row.CreatedAt);
        var mail = new AgentNoticeMail(ticket.Id, ticket.Number, row.IdempotencyKey, fromAddress, recipe.ReplyTo, row.Mailbox ?? "", row.CreatedAt);

        if (!recipe.Attach || message.RawReference is not { } reference)
            return await ComposeAsync(job, mail, agent, [], row.MessageId, cancellationToken).ConfigureAwait(false);

        // The attachments are decoded from the stored raw message to temporary files, one at a time: never all in memory.
        await using var raw = await rawStore.OpenAsync(reference, cancellationToken).ConfigureAwait(false);
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
                return await ComposeAsync(job, mail, agent, files, row.MessageId, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var file in files) await file.Content.DisposeAsync().ConfigureAwait(false);
            }
        }, context.ReaderOptions, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outbox.ComposedMail> ComposeAsync(Job job, AgentNoticeMail mail, Agent agent, IReadOnlyList<OutgoingAttachment> files, string messageId,
        CancellationToken cancellationToken)
    {
        var content = Render(job, agent, files);
        var written = await WriteToAgentAsync(mail, agent, content, files, messageId, cancellationToken).ConfigureAwait(false);
        return new Outbox.ComposedMail(written.Raw, content.Subject, content.Text,
            NotificationMessage(mail.TicketId, messageId, ThreadRoot(mail.TicketNumber, mail.FromAddress), mail.FromAddress, agent.Email, content.Subject, content.Text, mail.Now));
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

    /// <summary>The facts a notification is rendered from.</summary>
    /// <param name="Customer">Who wrote: shown in the notification.</param>
    /// <param name="AssignedBy">Set for an assignment notification: the agent who assigned.</param>
    private sealed record Job(TicketRecord Ticket, ReadAddress? Customer, bool FollowUp, string NewText, string FromAddress, DateTimeOffset Now, Agent? AssignedBy = null);

    /// <summary>A mail from our mailbox to one agent about a ticket, queued under <see cref="Key"/>.</summary>
    /// <param name="ReplyTo">The plus-address the agent answers to (their own token for the ticket).</param>
    public sealed record AgentNoticeMail(long TicketId, long TicketNumber, string Key, string FromAddress, string ReplyTo, string Mailbox, DateTimeOffset Now)
    {
        /// <summary>RFC 3834 §5 value: <c>auto-generated</c> for notices, <c>auto-replied</c> for answers to an agent's mail.</summary>
        public string AutoSubmitted { get; init; } = "auto-generated";
    }

    /// <summary>
    /// Writes and queues one mail to an agent in the ticket's notification thread (one References root
    /// per ticket) and stores it on the ticket as a <c>notification</c>; false when the key was queued before.
    /// </summary>
    public async Task<bool> QueueToAgentAsync(IStorageTransaction tx, AgentNoticeMail mail, Agent agent, AckContent content, IReadOnlyList<OutgoingAttachment> files,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(content);
        var written = await WriteToAgentAsync(mail, agent, content, files, null, cancellationToken).ConfigureAwait(false);
        var result = await outbox.EnqueueAsync(tx, new OutboxItem
        {
            IdempotencyKey = mail.Key,
            TicketId = mail.TicketId,
            Kind = NotificationKind,
            Mailbox = mail.Mailbox,
            EnvelopeFrom = mail.FromAddress,
            Recipients = [agent.Email],
            MessageId = written.MessageId,
            Raw = written.Raw,
            NextAttemptAt = mail.Now,
            CreatedAt = mail.Now,
        }, cancellationToken).ConfigureAwait(false);
        if (!result.Created) return false;
        await tickets.AddMessageAsync(tx, NotificationMessage(mail.TicketId, written.MessageId, ThreadRoot(mail.TicketNumber, mail.FromAddress), mail.FromAddress, agent.Email,
            content.Subject, content.Text, mail.Now), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>One mail to an agent in the ticket's notification thread (one References root per ticket).</summary>
    /// <param name="messageId">The Message-ID fixed when it was queued; null for a new one.</param>
    private Task<WrittenMail> WriteToAgentAsync(AgentNoticeMail mail, Agent agent, AckContent content, IReadOnlyList<OutgoingAttachment> files, string? messageId,
        CancellationToken cancellationToken)
    {
        var root = ThreadRoot(mail.TicketNumber, mail.FromAddress);
        return new MailWriter(time).WriteAsync(new OutgoingMail
        {
            From = OutgoingAddress.Of(mail.FromAddress),
            To = [new OutgoingAddress(agent.Name, agent.Email)],
            ReplyTo = [OutgoingAddress.Of(mail.ReplyTo)],
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            Attachments = files,
            Date = mail.Now,
            MessageId = messageId,
            MessageIdDomain = Domain(mail.FromAddress),
            Thread = new MailThread(root, [root]),
            Headers =
            [
                // RFC 3834 §5: generated by the system, not a person's reply; keeps vacation responders quiet.
                new("Auto-Submitted", mail.AutoSubmitted),
                new("X-Auto-Response-Suppress", "All"),
                new("Content-Language", content.Language),
            ],
        }, cancellationToken);
    }

    /// <summary>Stored on the ticket so an agent's reply naming it in References threads to the ticket.</summary>
    private static MessageRecord NotificationMessage(long ticketId, string messageId, string root, string fromAddress, string agent,
        string? subject, string? text, DateTimeOffset now) =>
        new()
        {
            TicketId = ticketId,
            Direction = MessageDirection.Outbound,
            Kind = NotificationKind,
            MessageId = messageId,
            InReplyTo = root,
            References = [root],
            From = fromAddress,
            To = [agent],
            Subject = subject,
            Date = now,
            Text = text,
            ReceivedAt = now,
            Status = DeliveryStatus.Queued,
        };

    /// <summary>
    /// An assignment (<c>#assign</c>): the new owner, or the team's members when the ticket went to a
    /// team without owner, get a notification with the customer's latest text; the assigning agent does not.
    /// </summary>
    /// <param name="ticket">The ticket as assigned.</param>
    /// <param name="messageId">The agent's message that assigned (part of the outbox key: a replay notifies once).</param>
    public async Task<NotifyDecision> NotifyAssignmentAsync(IStorageTransaction tx, TicketRecord ticket, Agent assignedBy, string messageId, string? sourceMailbox,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(assignedBy);
        var policy = context.Policy;
        var now = time.GetUtcNow();
        var today = policy.BusinessHours.Default?.Today(now) ?? DateOnly.FromDateTime(now.UtcDateTime);
        var recipients = Recipients(policy, ticket, today)
            .Where(a => OutgoingAddress.IsWritable(a.Email) && !string.Equals(a.Email, assignedBy.Email, StringComparison.OrdinalIgnoreCase)).ToList();
        if (recipients.Count == 0) return NotifyDecision.Skip("nobody to notify of the assignment (assigned to oneself, or everyone away)");
        var mailbox = context.SendingMailbox(sourceMailbox);
        if (mailbox is null) return NotifyDecision.Skip("no mailbox to send from");
        var details = await tickets.GetTicketWithMessagesAsync(tx, ticket.Number, cancellationToken).ConfigureAwait(false);
        var last = details?.Messages.LastOrDefault(m => m.Direction == MessageDirection.Inbound && m.Kind == "customer");
        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var job = new Job(ticket, new ReadAddress(ticket.CustomerName, ticket.CustomerAddress), FollowUp: true, last?.NewText ?? last?.Text ?? "",
            mailbox.SmtpFrom ?? mailbox.Address, now, assignedBy);
        var tokens = new ReplyToken(key);
        var keyPrefix = "assign:" + Key(ticket.Id, messageId, "")["notify:".Length..];
        var queued = new List<string>();
        foreach (var agent in recipients)
        {
            var mail = new AgentNoticeMail(ticket.Id, ticket.Number, keyPrefix + agent.Email.ToLowerInvariant(), job.FromAddress,
                tokens.AddressForAgent(mailbox.Address, ticket.Number, agent.Email), mailbox.Name, now);
            if (await QueueToAgentAsync(tx, mail, agent, Render(job, agent, []), [], cancellationToken).ConfigureAwait(false)) queued.Add(agent.Email);
        }
        if (queued.Count == 0) return NotifyDecision.Skip("already queued");
        Log.Queued(logger, ticket.Number, queued.Count, 0);
        return new NotifyDecision(queued, "queued");
    }

    /// <summary><c>notify:{ticket}:{message}:{agent}</c>; a Message-ID too long for the key column is hashed.</summary>
    internal static string Key(long ticketId, string messageId, string agent)
    {
        var id = messageId.Length <= 300 ? messageId : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
        return $"notify:{ticketId}:{id}:{agent.ToLowerInvariant()}";
    }

    private AckContent Render(Job job, Agent agent, IReadOnlyList<OutgoingAttachment> files)
    {
        var ticket = job.Ticket;
        var model = new ReplyModel
        {
            TicketNumber = ticket.Number,
            TicketTag = context.SubjectTag.Format(ticket.Number),
            Subject = ticket.Subject,
            CustomerName = job.Customer?.Name ?? ticket.CustomerName ?? "",
            CustomerEmail = job.Customer?.Address ?? ticket.CustomerAddress,
            AgentName = job.AssignedBy?.Name ?? agent.Name,
            AgentEmail = job.AssignedBy?.Email ?? agent.Email,
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
        var name = job.AssignedBy is null ? TemplateName : AssignmentTemplateName;
        if (!templates.Templates.ContainsKey(name)) return job.AssignedBy is null ? DefaultContent(model) : DefaultAssignmentContent(model);
        try
        {
            var reply = templates.Render(name, agent.Language, model);
            return new AckContent(reply.Subject, reply.Text, reply.Html, reply.Language);
        }
        catch (TemplateException e)
        {
            // A broken template must not keep the customer's mail from the agent: the built-in text goes instead.
            Log.TemplateFailed(logger, ticket.Number, agent.Email, e.Message);
            return job.AssignedBy is null ? DefaultContent(model) : DefaultAssignmentContent(model);
        }
    }

    /// <summary>The built-in English assignment notification; <see cref="ReplyModel.AgentName"/> is who assigned.</summary>
    public static AckContent DefaultAssignmentContent(ReplyModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var text = new StringBuilder();
        text.Append($"{m.AgentName} assigned ticket {m.TicketNumber} to {m.Owner ?? "team " + m.Team}.\n\n");
        text.Append($"From: {m.CustomerName} <{m.CustomerEmail}>\nStatus: {m.Status}\nPriority: {m.Priority}\nTeam: {m.Team}\n");
        if (m.Due is { } due) text.Append(System.FormattableString.Invariant($"Due: {due:yyyy-MM-dd HH:mm} UTC\n"));
        text.Append('\n').Append(m.Body).Append("\n\nReply to this mail to answer the customer.\n");
        return new AckContent($"Assigned {m.TicketTag}: {m.Subject}", text.ToString(), null, "en");
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
