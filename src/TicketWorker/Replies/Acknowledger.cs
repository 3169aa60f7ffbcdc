using TicketWorker.Classification;
using TicketWorker.Configuration;
using TicketWorker.Intake;
using TicketWorker.Mail.Writing;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Replies;

/// <summary>
/// Decides whether a new ticket gets an automatic acknowledgement and, if so, renders it and queues
/// it in the outbox inside the ticket's own transaction (PRODUCT.md "Acknowledge" and "Send"): one
/// row under the key <c>ack:{ticket}</c>, Message-ID fixed now, so a replayed intake or a retried
/// send never makes a second acknowledgement.
/// </summary>
/// <param name="render">Turns the facts into the mail's text: the templates, or <see cref="DefaultContent"/> without them.</param>
public sealed class Acknowledger(
    IngestContext context, ITicketStore tickets, IOutboxStore outbox, ISettingsStore settingsStore,
    TimeProvider time, Func<AckModel, AckContent> render)
{
    /// <summary>RFC 3834 §2: at most this many automatic mails to one address per 24 hours (rules.yaml ack.max_per_day).</summary>
    public int MaxPerDay => context.Policy.Ack.MaxPerDay;

    /// <summary>Queues the acknowledgement or returns why not (a reason for logs and tests).</summary>
    /// <param name="template">The template a rule chose, else rules.yaml's ack.template.</param>
    /// <param name="estimates">Intake's per-batch cache of promise lengths (null: worked out for this ticket alone).</param>
    public async Task<AckDecision> AcknowledgeAsync(IStorageTransaction tx, TicketRecord ticket, InboundMessage inbound, bool ruleAllows, string? template, CancellationToken cancellationToken,
        EstimateCache? estimates = null)
    {
        var settings = context.Policy.Ack;
        var message = inbound.Message;
        var sender = message.ReplyTo.FirstOrDefault(a => a.Address.Contains('@'))?.Address ?? message.From.FirstOrDefault()?.Address;
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
        var recent = await tickets.CountAutoRepliesAsync(tx, sender, now - TimeSpan.FromDays(1), cancellationToken).ConfigureAwait(false);
        if (recent >= MaxPerDay) return AckDecision.Skip($"{sender} already got {recent} automatic mails in 24 hours");

        var mailbox = context.SendingMailbox(inbound.Source.Mailbox);
        if (mailbox is null) return AckDecision.Skip("no mailbox to answer from");
        var fromAddress = mailbox.SmtpFrom ?? mailbox.Address;
        var tag = context.SubjectTag;
        var estimate = await EstimateAsync(tx, ticket, now, estimates, cancellationToken).ConfigureAwait(false);
        AckContent content;
        try
        {
            content = render(new AckModel(ticket.Number, tag.Apply(message.Subject, ticket.Number), sender,
            message.From.FirstOrDefault()?.Name, message.Subject, message.TextBody, message.Headers["Content-Language"], now, estimate, template ?? settings.Template, ticket.Language));
        }
        catch (TemplateException e)
        {
            // Never a half-rendered mail: the intent is kept as a failed outbox row with the reason.
            var failed = await outbox.EnqueueAsync(tx, new OutboxItem
            {
                IdempotencyKey = $"ack:{ticket.Id}", TicketId = ticket.Id, Kind = "ack", Mailbox = mailbox.Name, EnvelopeFrom = fromAddress,
                Recipients = [sender], MessageId = $"unrendered-ack-{ticket.Id}@{fromAddress[(fromAddress.IndexOf('@') + 1)..]}",
                Raw = [], NextAttemptAt = now, CreatedAt = now,
            }, cancellationToken).ConfigureAwait(false);
            if (failed.Created)
                await outbox.MarkFailedAsync(tx, failed.Item.Id, "template failed: " + e.Message, now, cancellationToken).ConfigureAwait(false);
            return AckDecision.Skip("template failed: " + e.Message);
        }

        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var thread = MailThread.ReplyTo(inbound.MessageId, message.References, message.InReplyTo);
        var written = await new MailWriter(time).WriteAsync(new OutgoingMail
        {
            From = OutgoingAddress.Of(fromAddress),
            To = [new OutgoingAddress(message.From.FirstOrDefault()?.Name, sender)],
            // Replies come back with the ticket's token, whatever the customer's client does with headers.
            ReplyTo = [OutgoingAddress.Of(new ReplyToken(key).Address(mailbox.Address, ticket.Number))],
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            Date = now,
            MessageIdDomain = fromAddress[(fromAddress.IndexOf('@') + 1)..],
            Thread = thread,
            Headers =
            [
                // RFC 3834 §5: marks the mail automatic, so well-behaved responders do not answer it.
                new("Auto-Submitted", "auto-replied"),
                new("X-Auto-Response-Suppress", "All"),
                new("Content-Language", content.Language),
            ],
        }, cancellationToken).ConfigureAwait(false);
        var raw = written.Raw;
        var messageId = written.MessageId;

        var queued = await outbox.EnqueueAsync(tx, new OutboxItem
        {
            IdempotencyKey = $"ack:{ticket.Id}",
            TicketId = ticket.Id,
            Kind = "ack",
            Mailbox = mailbox.Name,
            EnvelopeFrom = fromAddress,
            Recipients = [sender],
            MessageId = messageId,
            Raw = raw,
            NextAttemptAt = now + settings.Delay,
            CreatedAt = now,
        }, cancellationToken).ConfigureAwait(false);
        if (!queued.Created) return AckDecision.Skip("already queued");

        await tickets.AddMessageAsync(tx, new MessageRecord
        {
            TicketId = ticket.Id,
            Direction = MessageDirection.Outbound,
            Kind = "ack",
            MessageId = messageId,
            InReplyTo = inbound.MessageId,
            References = thread.References.ToList(),
            From = fromAddress,
            To = [sender],
            Subject = content.Subject,
            Date = now,
            Text = content.Text,
            ReceivedAt = now,
            Status = DeliveryStatus.Queued,
        }, cancellationToken).ConfigureAwait(false);
        await tickets.RecordAutoReplyAsync(tx, sender, now, cancellationToken).ConfigureAwait(false);
        return AckDecision.Queued(messageId);
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
        var current = await tickets.FindTicketByIdAsync(tx, ticket.Id, cancellationToken).ConfigureAwait(false) ?? ticket;
        await tickets.UpdateTicketAsync(tx, current with
        {
            EstimateDueAt = estimate.Due,
            EstimateSource = estimate.SourceName,
            EstimateSamples = estimate.SampleCount,
        }, cancellationToken).ConfigureAwait(false);
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
