using Microsoft.Extensions.Logging;
using TicketWorker.Intake;
using TicketWorker.Mail.Reading;
using TicketWorker.Mail.Writing;
using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Agents;

/// <summary>
/// Sends a verified agent's answer to the customer and the ticket's other people (issue 13, deliverable 3):
/// from our mailbox with the agent's name shown, rendered with the <c>agent-reply</c> template, threaded
/// into the customer's conversation, Reply-To the ticket's token, the agent's attachments and inline
/// images relayed. Queued in the outbox inside the ticket's transaction under
/// <c>agent-reply:{stored message id}</c> and stored on the ticket as an outbound <c>agent</c> message,
/// so a replayed intake never sends twice and the customer's reply to it threads back.
/// </summary>
public sealed partial class AgentRelay(
    IngestContext context, ITicketStore tickets, IOutboxStore outbox, ISettingsStore settingsStore,
    RawMailStore rawStore, TemplateRenderer templates, TimeProvider time, ILogger<AgentRelay> logger)
{
    public const string TemplateName = "agent-reply";

    // Detached signatures of the agent's mail prove nothing once the text is re-rendered.
    private static readonly string[] SignatureTypes = ["application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"];

    /// <summary>Queues the answer; returns the relayed mail's Message-ID, or null (with the reason logged) when nothing could be sent.</summary>
    /// <param name="messageRowId">The agent's stored message (the outbox key).</param>
    /// <param name="answer">The agent's new text, commands left out.</param>
    public async Task<string?> RelayAsync(IStorageTransaction tx, TicketRecord ticket, Agent agent, InboundMessage inbound, long messageRowId, string answer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(inbound);
        var mailbox = context.SendingMailbox(inbound.Source.Mailbox);
        if (mailbox is null)
        {
            Log.NotRelayed(logger, ticket.Number, "no mailbox to send from");
            return null;
        }
        var details = await tickets.GetTicketWithMessagesAsync(tx, ticket.Number, cancellationToken).ConfigureAwait(false);
        var policy = context.Policy;
        var (to, cc) = AgentReplyComposer.Recipients(ticket, details?.Messages ?? [], a => context.IsOurs(a) || policy.FindAgent(a) is not null);
        if (to.Count == 0)
        {
            Log.NotRelayed(logger, ticket.Number, "the ticket's customer address cannot be written to");
            return null;
        }
        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var job = new Job(ticket, agent, answer, messageRowId, mailbox.SmtpFrom ?? mailbox.Address, new ReplyToken(key).Address(mailbox.Address, ticket.Number),
            mailbox.Name, to, cc, AgentReplyComposer.Thread(details?.Messages ?? []), time.GetUtcNow());

        var message = inbound.Message;
        if (!message.Attachments.Any(a => Relayable(a, message.HtmlBody)))
            return await QueueAsync(tx, job, [], cancellationToken).ConfigureAwait(false);

        // The agent's files are decoded from the stored raw message one at a time to temporary files, never all in memory.
        await using var raw = await rawStore.OpenAsync(inbound.Raw.Reference, cancellationToken).ConfigureAwait(false);
        return await MessageReader.ReadWithContentsAsync(raw, async (read, contents) =>
        {
            var files = new List<OutgoingAttachment>();
            try
            {
                foreach (var (attachment, index) in read.Attachments.Select((a, i) => (a, i)).Where(p => Relayable(p.a, read.HtmlBody)))
                {
                    if (await contents.OpenAsync(attachment, cancellationToken).ConfigureAwait(false) is not { } stream) continue;
                    var inline = IsInlineImage(attachment, read.HtmlBody);
                    files.Add(new OutgoingAttachment(attachment.FileName ?? $"{(inline ? "image" : "attachment")}-{index + 1}{Extension(attachment.ContentType)}",
                        attachment.ContentType, stream)
                    {
                        ContentId = inline ? attachment.ContentId : null,
                        IsInline = inline,
                    });
                }
                return await QueueAsync(tx, job, files, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var file in files) await file.Content.DisposeAsync().ConfigureAwait(false);
            }
        }, context.ReaderOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An inline image of the agent's HTML (its Content-ID is referenced as <c>cid:</c>).</summary>
    internal static bool IsInlineImage(ReadAttachment a, string? html) =>
        a.IsInline && !string.IsNullOrWhiteSpace(a.ContentId) && a.ContentType.StartsWith("image/", StringComparison.Ordinal)
        && html is not null && html.Contains("cid:" + a.ContentId, StringComparison.OrdinalIgnoreCase);

    /// <summary>Files the agent attached and images their HTML shows; an unreferenced inline part (a quoted client's leftovers) and signatures are not.</summary>
    internal static bool Relayable(ReadAttachment a, string? html) =>
        !SignatureTypes.Contains(a.ContentType, StringComparer.Ordinal) && (!a.IsInline || IsInlineImage(a, html) || a.FileName is not null && a.ContentId is null);

    private static string Extension(string contentType) => contentType switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        _ => "",
    };

    private sealed record Job(TicketRecord Ticket, Agent Agent, string Answer, long MessageRowId, string FromAddress, string ReplyTo, string Mailbox,
        IReadOnlyList<OutgoingAddress> To, IReadOnlyList<OutgoingAddress> Cc, MailThread Thread, DateTimeOffset Now);

    private async Task<string?> QueueAsync(IStorageTransaction tx, Job job, IReadOnlyList<OutgoingAttachment> files, CancellationToken cancellationToken)
    {
        var ticket = job.Ticket;
        var images = files.Where(f => f.IsInline && f.ContentId is not null).Select(f => (f.ContentId!, f.FileName)).ToList();
        var content = AgentReplyComposer.PlaceImages(Render(job, images.Count > 0), images);
        var written = await new MailWriter(time).WriteAsync(new OutgoingMail
        {
            From = new OutgoingAddress(context.Policy.AgentMail.DisplayName(job.Agent.Name), job.FromAddress),
            To = job.To,
            Cc = job.Cc,
            ReplyTo = [OutgoingAddress.Of(job.ReplyTo)],
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            Attachments = files,
            Date = job.Now,
            MessageIdDomain = job.FromAddress[(job.FromAddress.IndexOf('@') + 1)..],
            Thread = job.Thread,
            Headers = [new("Content-Language", content.Language)],
        }, cancellationToken).ConfigureAwait(false);

        var recipients = job.To.Concat(job.Cc).Select(a => a.Address).ToList();
        var queued = await outbox.EnqueueAsync(tx, new OutboxItem
        {
            IdempotencyKey = Key(job.MessageRowId),
            TicketId = ticket.Id,
            Kind = "agent",
            Mailbox = job.Mailbox,
            EnvelopeFrom = job.FromAddress,
            Recipients = recipients,
            MessageId = written.MessageId,
            Raw = written.Raw,
            NextAttemptAt = job.Now,
            CreatedAt = job.Now,
        }, cancellationToken).ConfigureAwait(false);
        if (!queued.Created) return null;

        await tickets.AddMessageAsync(tx, new MessageRecord
        {
            TicketId = ticket.Id,
            Direction = MessageDirection.Outbound,
            Kind = "agent",
            MessageId = written.MessageId,
            InReplyTo = job.Thread.InReplyTo,
            References = job.Thread.References,
            From = job.FromAddress,
            FromName = job.Agent.Name,
            To = job.To.Select(a => a.Address).ToList(),
            Cc = job.Cc.Select(a => a.Address).ToList(),
            Subject = content.Subject,
            Date = job.Now,
            Text = content.Text,
            NewText = job.Answer,
            ReceivedAt = job.Now,
            Status = DeliveryStatus.Queued,
            Attachments = files.Select(f => new AttachmentRecord { FileName = f.FileName, ContentType = f.ContentType, Size = f.Content.CanSeek ? f.Content.Length : 0 }).ToList(),
        }, cancellationToken).ConfigureAwait(false);
        Log.Relayed(logger, ticket.Number, recipients.Count, files.Count);
        return written.MessageId;
    }

    /// <summary><c>agent-reply:{stored message id}</c>.</summary>
    public static string Key(long messageRowId) => FormattableString.Invariant($"agent-reply:{messageRowId}");

    private AckContent Render(Job job, bool hasImages)
    {
        var ticket = job.Ticket;
        var model = new ReplyModel
        {
            TicketNumber = ticket.Number,
            TicketTag = context.SubjectTag.Format(ticket.Number),
            Subject = ticket.Subject,
            CustomerName = ticket.CustomerName ?? "",
            CustomerEmail = ticket.CustomerAddress,
            AgentName = job.Agent.Name,
            AgentEmail = job.Agent.Email,
            Body = AgentReplyComposer.Body(job.Answer, hasImages),
            Status = ticket.Status.ToString().ToLowerInvariant(),
            Priority = ticket.Priority,
            Team = ticket.Team,
            Owner = ticket.Owner,
            CreatedAt = ticket.CreatedAt,
            SupportAddress = job.FromAddress,
        };
        if (!templates.Templates.ContainsKey(TemplateName)) return AgentReplyComposer.DefaultContent(model);
        try
        {
            var reply = templates.Render(TemplateName, ticket.Language, model);
            return new AckContent(reply.Subject, reply.Text, reply.Html, reply.Language);
        }
        catch (TemplateException e)
        {
            // The agent's answer must reach the customer: the built-in text goes instead, the admin sees why.
            Log.TemplateFailed(logger, ticket.Number, e.Message);
            return AgentReplyComposer.DefaultContent(model);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Agent answer on ticket {Ticket} queued for {Recipients} recipient(s) with {Attachments} attachment(s)")]
        public static partial void Relayed(ILogger logger, long ticket, int recipients, int attachments);

        [LoggerMessage(2, LogLevel.Warning, "The agent-reply template failed for ticket {Ticket}; the built-in text is sent: {Reason}")]
        public static partial void TemplateFailed(ILogger logger, long ticket, string reason);

        [LoggerMessage(3, LogLevel.Warning, "The agent answer on ticket {Ticket} was stored but not relayed: {Reason}")]
        public static partial void NotRelayed(ILogger logger, long ticket, string reason);
    }
}
