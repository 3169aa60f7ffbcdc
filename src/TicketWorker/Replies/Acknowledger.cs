using TicketWorker.Classification;
using TicketWorker.Configuration;
using TicketWorker.Intake;
using TicketWorker.Mail.Writing;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Replies;

/// <summary>
/// Decides whether a new ticket gets an automatic acknowledgement and, if so, queues it in the outbox
/// inside the ticket's own transaction (PRODUCT.md "Acknowledge" and "Send"): one row under the key
/// <c>ack:{ticket}</c>, Message-ID, Date and the promised estimate fixed now, so a replayed intake or a
/// retried send never makes a second acknowledgement. The row holds a recipe (<see cref="AckRecipe"/>);
/// the sender renders and writes the mail just before the first attempt (<see cref="ComposeAsync"/>)
/// and keeps its bytes with the outbound message on the ticket, so intake's single writer neither renders,
/// MIME-encodes nor stores more than the one row.
/// </summary>
/// <param name="render">Turns the facts into the mail's text: the templates, or <see cref="DefaultContent"/> without them.</param>
public sealed class Acknowledger(
    IngestContext context, ITicketStore tickets, IOutboxStore outbox, ISettingsStore settingsStore,
    TimeProvider time, Func<AckModel, AckContent> render, StorageDatabase database) : Outbox.IOutboxComposer
{
    private const string AckKind = "ack";

    /// <summary>RFC 3834 §2: at most this many automatic mails to one address per 24 hours (rules.yaml ack.max_per_day).</summary>
    public int MaxPerDay => context.Policy.Ack.MaxPerDay;

    /// <summary>The window of <see cref="MaxPerDay"/>.</summary>
    internal static readonly TimeSpan CountWindow = TimeSpan.FromDays(1);

    /// <summary>Whom an acknowledgement of <paramref name="message"/> would go to: its first Reply-To with an address, else its sender.</summary>
    internal static string? SenderOf(Mail.Reading.ReadMessage message) =>
        message.ReplyTo.FirstOrDefault(a => a.Address.Contains('@'))?.Address ?? message.From.FirstOrDefault()?.Address;

    /// <summary>Queues the acknowledgement of a ticket created in <paramref name="tx"/> (intake's new ticket), or returns why not (a reason for logs and tests).</summary>
    /// <param name="template">The template a rule chose, else rules.yaml's ack.template.</param>
    /// <param name="estimates">Intake's per-batch cache of promise lengths (null: worked out for this ticket alone).</param>
    /// <param name="autoReplies">Intake's per-batch counts of automatic mails per address (null: counted in the store).</param>
    public async Task<AckDecision> AcknowledgeAsync(IStorageTransaction tx, TicketRecord ticket, InboundMessage inbound, bool ruleAllows, string? template, CancellationToken cancellationToken,
        EstimateCache? estimates = null, AutoReplyCounts? autoReplies = null)
    {
        var settings = context.Policy.Ack;
        var message = inbound.Message;
        var sender = SenderOf(message);
        if (inbound.Classification.Kind != MessageKind.Customer) return AckDecision.Skip($"{inbound.Classification.Kind.ToName()} mail is never acknowledged");
        if (!settings.Enabled) return AckDecision.Skip("acknowledgements are off (rules.yaml ack.enabled)");
        if (!ruleAllows) return AckDecision.Skip("a rule turned the acknowledgement off");
        if (inbound.Source.IsHistory) return AckDecision.Skip("mail from before the first start");
        if (string.IsNullOrEmpty(sender) || !sender.Contains('@')) return AckDecision.Skip("no sender address");
        if (!OutgoingAddress.IsWritable(sender)) return AckDecision.Skip($"the sender address {sender} cannot be written as 7-bit mail");
        if (context.IsOurs(sender))
            return AckDecision.Skip("the sender is one of our own mailboxes");
        if (context.Policy.FindAgent(sender) is not null) return AckDecision.Skip("the sender is an agent");

        var now = time.GetUtcNow();
        if (autoReplies is null || !autoReplies.TryGet(sender, out var recent))
        {
            recent = await tickets.CountAutoRepliesAsync(tx, sender, now - CountWindow, cancellationToken).ConfigureAwait(false);
            autoReplies?.Set(sender, recent);
        }
        if (recent >= MaxPerDay) return AckDecision.Skip($"{sender} already got {recent} automatic mails in 24 hours");

        var mailbox = context.SendingMailbox(inbound.Source.Mailbox);
        if (mailbox is null) return AckDecision.Skip("no mailbox to answer from");
        var fromAddress = mailbox.SmtpFrom ?? mailbox.Address;
        var estimate = await EstimateAsync(tx, ticket, now, estimates, cancellationToken).ConfigureAwait(false);

        // Only the intent is queued here, inside intake's batch: the sender writes the mail just before sending it
        // (ComposeAsync), so the template and MIME stay off intake's single writer. Message-ID and Date are fixed now.
        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var messageId = Mail.Writing.MailWriter.NewMessageId(fromAddress[(fromAddress.IndexOf('@') + 1)..]);
        var recipe = new AckRecipe(inbound.MessageId, sender, message.From.FirstOrDefault()?.Name, template ?? settings.Template,
            new ReplyToken(key).Address(mailbox.Address, ticket.Number), message.Headers["Content-Language"], ticket.Language, estimate);
        // The key names the ticket this transaction created: no row can hold it yet, so nothing is read back.
        await outbox.EnqueueNewAsync(tx, new OutboxItem
        {
            IdempotencyKey = $"ack:{ticket.Id}",
            TicketId = ticket.Id,
            Kind = AckKind,
            Mailbox = mailbox.Name,
            EnvelopeFrom = fromAddress,
            Recipients = [sender],
            MessageId = messageId,
            Raw = [],
            Recipe = recipe.ToJson(),
            NextAttemptAt = now + settings.Delay,
            CreatedAt = now,
        }, cancellationToken).ConfigureAwait(false);

        // The outbound message on the ticket is stored by the sender with the bytes (ComposedMail.Message).
        await tickets.RecordAutoReplyAsync(tx, sender, now, cancellationToken).ConfigureAwait(false);
        autoReplies?.Set(sender, recent + 1);
        return AckDecision.Queued(messageId);
    }

    /// <inheritdoc/>
    public bool Composes(string kind) => kind == AckKind;

    /// <summary>
    /// Writes an acknowledgement queued as a recipe: the template (as loaded now) over the customer's message and
    /// the estimate promised at intake, with the Message-ID and Date fixed when it was queued and the thread of the customer's stored message.
    /// </summary>
    public async Task<Outbox.ComposedMail> ComposeAsync(OutboxItem row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var recipe = AckRecipe.FromJson(row.Recipe) ?? throw new Outbox.OutboxCompositionException($"the recipe of outbox row {row.Id} cannot be read");
        var (ticket, message, own) = await database.InReadAsync(async tx => (
            row.TicketId is { } id ? await tickets.FindTicketByIdAsync(tx, id, cancellationToken).ConfigureAwait(false) : null,
            await tickets.FindMessageByMessageIdAsync(tx, recipe.Message, cancellationToken).ConfigureAwait(false),
            await tickets.FindMessageByMessageIdAsync(tx, row.MessageId, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        if (ticket is null) throw new Outbox.OutboxCompositionException($"the ticket of outbox row {row.Id} is not stored");
        if (message is null) throw new Outbox.OutboxCompositionException($"the customer's message <{recipe.Message}> is not stored");
        var fromAddress = row.EnvelopeFrom ?? throw new Outbox.OutboxCompositionException($"outbox row {row.Id} has no sender address");
        AckContent content;
        try
        {
            content = render(new AckModel(ticket.Number, context.SubjectTag.Apply(message.Subject ?? "", ticket.Number), recipe.To, recipe.ToName, message.Subject ?? "",
                message.Text, recipe.ContentLanguage, row.CreatedAt, recipe.Estimate, recipe.Template, recipe.Language));
        }
        catch (TemplateException e)
        {
            // Never a half-rendered mail: the row fails with the reason.
            throw new Outbox.OutboxCompositionException("template failed: " + e.Message);
        }

        // The customer's message as the parent, as a reply (RFC 5322 §3.6.4); a row queued by an older version has its thread stored.
        var thread = own?.References.Count > 0 ? new MailThread(recipe.Message, own.References)
            : MailThread.ReplyTo(recipe.Message, message.References, message.InReplyTo is { } parentInReplyTo ? [parentInReplyTo] : null);
        var written = await new MailWriter(time).WriteAsync(new OutgoingMail
        {
            From = OutgoingAddress.Of(fromAddress),
            To = [new OutgoingAddress(recipe.ToName, recipe.To)],
            // Replies come back with the ticket's token, whatever the customer's client does with headers.
            ReplyTo = [OutgoingAddress.Of(recipe.ReplyTo)],
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            Date = row.CreatedAt,
            MessageId = row.MessageId,
            Thread = thread,
            Headers =
            [
                // RFC 3834 §5: marks the mail automatic, so well-behaved responders do not answer it.
                new("Auto-Submitted", "auto-replied"),
                new("X-Auto-Response-Suppress", "All"),
                new("Content-Language", content.Language),
            ],
        }, cancellationToken).ConfigureAwait(false);
        return new Outbox.ComposedMail(written.Raw, content.Subject, content.Text, new MessageRecord
        {
            TicketId = ticket.Id,
            Direction = MessageDirection.Outbound,
            Kind = AckKind,
            MessageId = row.MessageId,
            InReplyTo = recipe.Message,
            References = thread.References.ToList(),
            From = fromAddress,
            To = [recipe.To],
            Subject = content.Subject,
            Text = content.Text,
            Date = row.CreatedAt,
            ReceivedAt = row.CreatedAt,
            Status = DeliveryStatus.Queued,
        });
    }

    /// <summary>
    /// The realistic resolution time: learned from similar closed tickets, else the SLA target
    /// (Escalation/ResolutionEstimator); stored on the ticket so <c>tickets show</c> can explain it.
    /// </summary>
    private async Task<Escalation.ResolutionEstimate?> EstimateAsync(IStorageTransaction tx, TicketRecord ticket, DateTimeOffset now, EstimateCache? estimates, CancellationToken cancellationToken)
    {
        var policy = EstimatePolicy.From(context.Policy);
        var estimator = new Escalation.ResolutionEstimator(time);
        var request = new Escalation.EstimateRequest(ticket.Priority, ticket.Team, policy.CalendarOfTeam?.Invoke(ticket.Team) ?? policy.Calendar,
            policy.SlaResolutionTarget(ticket.SlaPolicy, ticket.Priority), policy.Settings, policy.CalendarOfTeam);
        if (estimates is null || !estimates.TryGet(ticket.Priority, ticket.Team, ticket.SlaPolicy, out var basis))
        {
            var history = await tickets.ListClosedTicketsAsync(tx, now - policy.Settings.Window, ticket.Priority, cancellationToken).ConfigureAwait(false);
            basis = estimator.Basis(history, request);
            estimates?.Set(ticket.Priority, ticket.Team, ticket.SlaPolicy, basis);
        }

        var estimate = basis is null ? null : estimator.Place(basis, request);
        if (estimate is null) return null;
        await tickets.SetEstimateAsync(tx, ticket.Id, estimate.Due, estimate.SourceName, estimate.SampleCount, cancellationToken).ConfigureAwait(false);
        return estimate;
    }

    /// <summary>The built-in English acknowledgement, used until templates are configured.</summary>
    public static AckContent DefaultContent(AckModel m) => new(
        "Re: " + m.TaggedSubject,
        $"""
        Hello{(string.IsNullOrWhiteSpace(m.CustomerName) ? "" : " " + m.CustomerName)},

        thank you for your message. We have received it as ticket {m.TicketNumber} and will answer as soon as we can.{EstimateSentence(m.Estimate)}
        Please keep the ticket number in the subject when you write about this request.

        Your support team
        """,
        null,
        "en");

    private static string EstimateSentence(Escalation.ResolutionEstimate? e) => e is null ? "" : e.Phrase.Kind == Escalation.EstimatePhraseKind.DateTime
        ? System.FormattableString.Invariant($"\nWe expect to resolve it by {e.Phrase.Weekday} {e.Phrase.Time:HH\\:mm}, {e.Phrase.TimeZoneId} time.")
        : System.FormattableString.Invariant($"\nWe expect to resolve it within {e.Phrase.BusinessDays} business {(e.Phrase.BusinessDays == 1 ? "day" : "days")}.");
}

/// <summary>Whether an acknowledgement was queued, and why not when it was not.</summary>
public sealed record AckDecision(bool IsQueued, string? MessageId, string Reason)
{
    public static AckDecision Queued(string messageId) => new(true, messageId, "queued");
    public static AckDecision Skip(string reason) => new(false, null, reason);
}
