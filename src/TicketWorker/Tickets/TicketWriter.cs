using TicketWorker.Classification;
using Microsoft.Extensions.Logging;
using TicketWorker.Intake;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Tickets;

/// <summary>
/// Writes classified inbound messages into the ticket store: duplicate check, threading decision,
/// ticket creation or append (reopening when allowed), participants and bounce links, the
/// acknowledgement and notifications. IMAP intake writes a whole batch in one transaction
/// (<see cref="BeginBatch"/>); each message sees the ones before it in the same transaction, so a
/// follow-up joins a ticket created earlier in the batch and a repeated Message-ID is one message.
/// Everything or nothing is committed, so a crash mid-way leaves no half ticket.
/// </summary>
public sealed class TicketWriter(
    StorageDatabase database, ITicketStore tickets, ISettingsStore settingsStore, IIgnoredMessageStore ignored,
    IngestContext context, Replies.Acknowledger acknowledger, Replies.Notifier notifier, Agents.AgentMail agentMail, TimeProvider time, ILogger<RuleEngine> ruleLogger,
    Escalation.SlaClock slaClock)
{
    /// <summary>Writes one message in a transaction of its own.</summary>
    public async Task<IngestResult> WriteAsync(InboundMessage inbound, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await BeginBatch(tx).WriteAsync(inbound, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (ConcurrentDuplicateException)
        {
            return new IngestResult(IngestResult.Duplicate, null, inbound.MessageId, inbound.Classification.Kind.ToName(), "Message-ID already stored");
        }
    }

    /// <summary>Starts writing a batch into <paramref name="tx"/> (the caller commits); what does not change within a batch is read once.</summary>
    public TicketBatch BeginBatch(IStorageTransaction tx) => new(this, tx);

    /// <summary>Messages of one batch written into one transaction, with the batch's caches (reply-token key, policy, rule engine).</summary>
    public sealed class TicketBatch
    {
        private readonly TicketWriter writer;
        private readonly IStorageTransaction tx;
        private byte[]? replyTokenKey;
        private RuleEngine? engine;

        internal TicketBatch(TicketWriter writer, IStorageTransaction tx)
        {
            this.writer = writer;
            this.tx = tx;
            // One policy for the whole batch: a reload takes effect from the next batch.
            Policy = writer.CurrentPolicy;
        }

        /// <summary>The transaction of the batch.</summary>
        public IStorageTransaction Transaction => tx;

        /// <summary>The policy in force for this batch.</summary>
        public SupportPolicy Policy { get; }

        internal RuleEngine Engine => engine ??= writer.NewEngine(Policy);

        /// <summary>Promise lengths worked out in this batch (a ticket closed within the batch counts from the next one).</summary>
        internal Replies.EstimateCache Estimates { get; } = new();

        /// <summary>Automatic mails per address, counted once per batch and kept up to date by the batch's acknowledgements.</summary>
        internal Replies.AutoReplyCounts AutoReplies { get; } = new();

        // Message-IDs this batch knows to be taken in (stored or ignored, with the ticket's number) or known to be free.
        private readonly Dictionary<string, long?> taken = new(StringComparer.Ordinal);
        private readonly HashSet<string> free = new(StringComparer.Ordinal);

        /// <summary>
        /// Asks the database at once what the writes of <paramref name="next"/> would each ask on their own: whether their
        /// Message-IDs are taken, and how many automatic mails their senders got. Only where a statement is a round trip
        /// (PostgreSQL, SQL Server): SQLite answers a prepared lookup in-process in microseconds, less than an IN list costs
        /// to prepare. Only plain ASCII values are asked for: anything else is looked up with its own message, so that an
        /// error it may cause stays with that message.
        /// </summary>
        public Task LookAheadAsync(IReadOnlyList<InboundMessage> next, CancellationToken cancellationToken) =>
            writer.LookAheadAsync(this, next, cancellationToken);

        /// <summary>Whether <see cref="LookAheadAsync"/> asks anything (not on SQLite): else a caller need not wait for a group of messages.</summary>
        public bool AsksAhead => writer.AsksAhead;

        /// <summary>The Message-IDs among <paramref name="ids"/> this batch does not know yet.</summary>
        internal List<string> Unknown(IEnumerable<string> ids) =>
            ids.Where(id => Plain(id) && !taken.ContainsKey(id) && !free.Contains(id)).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>Notes what the database said about <paramref name="asked"/>: the ones in <paramref name="found"/> are taken, the others free.</summary>
        internal void Learn(IReadOnlyList<string> asked, IReadOnlyDictionary<string, long?> found)
        {
            foreach (var id in asked)
                if (found.TryGetValue(id, out var number)) taken[id] = number;
                else free.Add(id);
        }

        internal static bool Plain(string value) => value.Length > 0 && value.All(c => c is > ' ' and < '\x7f');

        /// <summary>Whether this batch knows the Message-ID taken in (and its ticket's number) or free; null when it must be asked.</summary>
        internal (bool TakenIn, long? TicketNumber)? Known(string messageId) =>
            taken.TryGetValue(messageId, out var number) ? (true, number) : free.Contains(messageId) ? (false, null) : null;

        /// <summary>Notes a Message-ID this batch took in (stored on ticket <paramref name="number"/>, or ignored: null).</summary>
        internal void Took(string messageId, long? number)
        {
            free.Remove(messageId);
            taken[messageId] = number;
        }

        internal async Task<byte[]> ReplyTokenKeyAsync(CancellationToken cancellationToken) =>
            replyTokenKey ??= await writer.ReadReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);

        /// <summary>
        /// Writes one message into the batch's transaction. Throws <see cref="ConcurrentDuplicateException"/>
        /// when another worker committed the same Message-ID meanwhile (the transaction must then be rolled back).
        /// </summary>
        /// <remarks>
        /// Writes held back for the next statement (PostgreSQL, <c>SqlRunner.WriteAsync</c>) may go with the next message's
        /// first statement or the commit: they can only fail in the server, which fails the batch, not one message.
        /// </remarks>
        public Task<IngestResult> WriteAsync(InboundMessage inbound, CancellationToken cancellationToken) =>
            writer.WriteInAsync(this, inbound, cancellationToken);
    }

    private SupportPolicy CurrentPolicy => context.Policy;

    private bool AsksAhead => database.Provider != StorageProvider.Sqlite;

    private async Task LookAheadAsync(TicketBatch batch, IReadOnlyList<InboundMessage> next, CancellationToken cancellationToken)
    {
        if (!AsksAhead || next.Count == 0) return;
        var tx = batch.Transaction;
        var ids = batch.Unknown(next.Select(m => m.MessageId));
        if (ids.Count > 0) batch.Learn(ids, await tickets.FindTakenInAsync(tx, ids, cancellationToken).ConfigureAwait(false));
        var senders = next.Select(m => Replies.Acknowledger.SenderOf(m.Message)).OfType<string>()
            .Where(s => s.Contains('@') && TicketBatch.Plain(s) && !batch.AutoReplies.TryGet(s, out _)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (senders.Count == 0) return;
        // The acknowledgement's own window; a mail leaving it before the acknowledgement is written is still counted (AutoReplyCounts).
        var counts = await tickets.CountAutoRepliesAsync(tx, senders, time.GetUtcNow() - Replies.Acknowledger.CountWindow, cancellationToken).ConfigureAwait(false);
        foreach (var sender in senders) batch.AutoReplies.Set(sender, counts.TryGetValue(sender.Trim(), out var count) ? count : 0);
    }

    private RuleEngine NewEngine(SupportPolicy policy) => new(policy, ruleLogger);

    private Task<byte[]> ReadReplyTokenKeyAsync(IStorageTransaction tx, CancellationToken cancellationToken) =>
        settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken);

    /// <summary>The per-message logic, inside the batch's transaction (<c>batch.Transaction</c>); never commits.</summary>
    private async Task<IngestResult> WriteInAsync(TicketBatch batch, InboundMessage inbound, CancellationToken cancellationToken)
    {
        var tx = batch.Transaction;
        var kind = inbound.Classification.Kind;
        var kindName = kind.ToName();

        var (isDuplicate, duplicateOf) = batch.Known(inbound.MessageId) ?? await tickets.FindTakenInAsync(tx, inbound.MessageId, cancellationToken).ConfigureAwait(false);
        if (isDuplicate)
            return new IngestResult(IngestResult.Duplicate, duplicateOf, inbound.MessageId, kindName, "Message-ID already stored");

        var key = await batch.ReplyTokenKeyAsync(cancellationToken).ConfigureAwait(false);
        var resolver = new ThreadResolver(new StoreThreadingLookup(tickets, tx), new ReplyToken(key), context.SubjectTag,
            context.MailboxAddresses, context.Threading.FallbackWindow, context.Threading.ReopenWindow, time);
        var decision = await resolver.ResolveAsync(inbound.Message, kind, inbound.Classification.ReturnedMessageIds, cancellationToken).ConfigureAwait(false);

        // Bulk mail and automatic mail that belongs to no ticket are kept (raw bytes) but not ticketed.
        if (kind == MessageKind.Bulk || (kind.NeverAnswer() && kind != MessageKind.List && decision.Action != ThreadAction.Append))
            return await IgnoreAsync(batch, inbound, inbound.Classification.Reason, cancellationToken).ConfigureAwait(false);

        // Rules route new tickets only: a follow-up keeps the team, owner and priority it has.
        RuleOutcome? routing = null;
        string? language = null;
        var policy = batch.Policy;
        if (decision.Action != ThreadAction.Append && kind is MessageKind.Customer or MessageKind.List)
        {
            var at = time.GetUtcNow();
            var engine = batch.Engine;
            var input = RuleInput.ForMessage(inbound.Message, kind, policy.BusinessHours.Default?.IsOpen(at) ?? true, inbound.Language);
            language = input.Language;
            routing = engine.Evaluate(input);
            if (routing.Ignore)
                return await IgnoreAsync(batch, inbound, $"rule '{routing.IgnoredBy}': ignore", cancellationToken).ConfigureAwait(false);
            var today = policy.BusinessHours.Default?.Today(at) ?? DateOnly.FromDateTime(at.UtcDateTime);
            routing = await engine.AssignAsync(routing, tx, tickets, today, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var message = inbound.Message;
        var from = message.From.FirstOrDefault();
        TicketRecord ticket;
        string action;
        if (decision.Action == ThreadAction.Append)
        {
            // Locked before it is read: the ticket is written back below from this copy, and another
            // worker's escalation committed in between would otherwise be undone.
            await tickets.LockTicketAsync(tx, decision.Ticket!.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
            ticket = (await tickets.FindTicketByIdAsync(tx, decision.Ticket.Id, cancellationToken).ConfigureAwait(false))!;
            action = IngestResult.Appended;
            if (decision.Reopens)
                await tickets.SetStatusAsync(tx, ticket.Id, TicketStatus.Open, now, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var record = new TicketRecord
            {
                Subject = message.Subject,
                NormalizedSubject = SubjectNormalizer.Normalize(message.Subject, context.SubjectTag),
                Status = TicketStatus.Open,
                Priority = routing?.Priority ?? Priorities.Normal,
                Team = routing?.Team,
                Owner = routing?.Owner,
                Tags = routing?.Tags ?? [],
                SlaPolicy = routing?.Sla ?? policy.Sla.Default,
                Language = language,
                CustomerAddress = (from?.Address ?? "").ToLowerInvariant(),
                CustomerName = from?.Name,
                CreatedAt = now,
                UpdatedAt = now,
                PreviousTicketId = decision.Action == ThreadAction.NewLinkedTicket ? decision.Ticket?.Id : null,
            };
            // The SLA times go into the ticket's INSERT.
            ticket = await tickets.CreateTicketAsync(tx, record, cancellationToken, replyTokenOf: new ReplyToken(key).Issue, sla: slaClock.ForNewTicket(record))
                .ConfigureAwait(false);
            action = IngestResult.Created;
            foreach (var d in routing?.Decisions ?? [])
                await tickets.AddRuleDecisionAsync(tx, new RuleDecisionRecord { TicketId = ticket.Id, RuleName = d.Rule, Action = d.Action, DecidedAt = now }, cancellationToken).ConfigureAwait(false);
        }

        var newText = inbound.NewText;
        var added = await tickets.AddMessageAsync(tx, new MessageRecord
        {
            TicketId = ticket.Id,
            Direction = MessageDirection.Inbound,
            Kind = kindName,
            MessageId = inbound.MessageId,
            InReplyTo = message.InReplyTo.FirstOrDefault(),
            References = message.References,
            From = from?.Address ?? "",
            FromName = from?.Name,
            To = message.To.Select(a => a.Address).ToList(),
            Cc = message.Cc.Select(a => a.Address).ToList(),
            Subject = message.Subject,
            Date = message.Date,
            Text = message.TextBody,
            NewText = newText,
            Html = message.HtmlBody,
            RawReference = inbound.Raw.Reference,
            RawSize = inbound.Raw.Size,
            Mailbox = inbound.Source.Mailbox,
            Uid = inbound.Source.Uid,
            ReceivedAt = now,
            Attachments = message.Attachments.Select(a => new AttachmentRecord
            {
                FileName = a.FileName,
                ContentType = a.ContentType,
                Size = a.Size,
            }).ToList(),
        }, cancellationToken).ConfigureAwait(false);
        if (added.IsDuplicate)
        {
            // Another worker stored the same message a moment ago: nothing of ours may be committed
            // (a ticket may have been created above); the caller rolls back and writes again.
            throw new ConcurrentDuplicateException(inbound.MessageId);
        }
        batch.Took(inbound.MessageId, ticket.Number);

        await tickets.AddParticipantsAsync(tx, ticket.Id, Participants(inbound), now, cancellationToken).ConfigureAwait(false);

        if (kind == MessageKind.Bounce)
            foreach (var returned in inbound.Classification.ReturnedMessageIds)
                await tickets.SetMessageStatusAsync(tx, returned, DeliveryStatus.Failed, "bounced: " + inbound.Classification.Reason, cancellationToken).ConfigureAwait(false);

        if (action == IngestResult.Created)
            await acknowledger.AcknowledgeAsync(tx, ticket, inbound, ruleAllows: routing?.Ack?.Send ?? true, routing?.Ack?.Template, cancellationToken, batch.Estimates, batch.AutoReplies).ConfigureAwait(false);

        // After the acknowledgement, which may store the promised resolution time the agents are shown.
        await notifier.NotifyAsync(tx, ticket, inbound, followUp: action == IngestResult.Appended, cancellationToken).ConfigureAwait(false);

        // Automatic mail is kept on the ticket but is no activity: it must not keep a stale ticket "recent".
        if (action == IngestResult.Appended && !kind.NeverAnswer() && !decision.Reopens)
            await tickets.TouchAsync(tx, ticket.Id, now, cancellationToken).ConfigureAwait(false);

        // Last: it re-reads the ticket, which the lines above may have written from their own copy.
        await agentMail.HandleAsync(tx, ticket, inbound, decision, cancellationToken).ConfigureAwait(false);
        return new IngestResult(action, ticket.Number, inbound.MessageId, kindName, decision.Reason);
    }

    /// <summary>Keeps the message (raw bytes) as ignored: no ticket.</summary>
    private async Task<IngestResult> IgnoreAsync(TicketBatch batch, InboundMessage inbound, string reason, CancellationToken cancellationToken)
    {
        var kindName = inbound.Classification.Kind.ToName();
        await ignored.AddAsync(batch.Transaction, new IgnoredMessage
        {
            MessageId = inbound.MessageId,
            Kind = kindName,
            Reason = reason,
            RawReference = inbound.Raw.Reference,
            RawSize = inbound.Raw.Size,
            Mailbox = inbound.Source.Mailbox,
            Uid = inbound.Source.Uid,
            ReceivedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        batch.Took(inbound.MessageId, null);
        return new IngestResult(IngestResult.Ignored, null, inbound.MessageId, kindName, reason);
    }

    private IEnumerable<(string Address, string Role)> Participants(InboundMessage inbound)
    {
        var m = inbound.Message;
        return m.From.Select(a => (a.Address, "from"))
            .Concat(m.To.Select(a => (a.Address, "to")))
            .Concat(m.Cc.Select(a => (a.Address, "cc")))
            .Where(p => p.Address.Contains('@') && !context.IsOurs(p.Address));
    }
}
