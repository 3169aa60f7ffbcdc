using MimeKit;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// What a report or bounce carries (RFC 6522 multipart/report with RFC 3464 delivery status,
/// RFC 8098 MDN or RFC 5965 ARF, and non-standard bounces that return the message): searched
/// through the whole tree, embedded messages included, as bounces nest them.
/// </summary>
internal sealed class ReportScan
{
    private readonly List<string> _ids = [];

    public string? DeliveryStatus { get; private set; }
    public bool HasFeedbackReport { get; private set; }
    public bool HasReturnedContent { get; private set; }
    public IReadOnlyList<string> ReturnedIds => _ids;

    public async Task ScanAsync(MimeEntity entity, MessageConverter converter, CancellationToken cancellationToken)
    {
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart) await ScanAsync(child, converter, cancellationToken).ConfigureAwait(false);
                break;
            case MessagePart { Message: var message }:
                // message/rfc822 and text/rfc822-headers (MimeKit reads both as a message).
                HasReturnedContent = true;
                if (message is null) break;
                if (!string.IsNullOrWhiteSpace(message.MessageId)) _ids.Add(message.MessageId.Trim());
                if (message.Body is { } body) await ScanAsync(body, converter, cancellationToken).ConfigureAwait(false);
                break;
            case MimePart part:
                var type = part.ContentType;
                if (DeliveryStatus is null && (type.IsMimeType("message", "delivery-status") || type.IsMimeType("message", "global-delivery-status")))
                    DeliveryStatus = MessageConverter.NormalizeLineEnds(await converter.PartTextAsync(part, cancellationToken).ConfigureAwait(false));
                else if (type.IsMimeType("message", "feedback-report")) HasFeedbackReport = true;
                else if (type.IsMimeType("text", "rfc822-headers") || type.IsMimeType("message", "global-headers")) HasReturnedContent = true;
                break;
        }
    }
}
