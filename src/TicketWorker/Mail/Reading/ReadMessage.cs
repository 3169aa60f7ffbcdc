namespace TicketWorker.Mail.Reading;

/// <summary>
/// What the stages read of one message (made by <see cref="MessageReader"/>). Plain values: no
/// open file, nothing to dispose, no MimeKit type. Text uses LF line ends.
/// </summary>
public sealed record ReadMessage
{
    /// <summary>The header fields of the message in order.</summary>
    public ReadHeaderList Headers { get; init; } = ReadHeaderList.Empty;
    /// <summary>Decoded subject, trimmed; empty when missing.</summary>
    public string Subject { get; init; } = "";
    /// <summary>From mailboxes, groups flattened; those with a real address first (a junk first entry is not the sender).</summary>
    public IReadOnlyList<ReadAddress> From { get; init; } = [];
    public IReadOnlyList<ReadAddress> To { get; init; } = [];
    public IReadOnlyList<ReadAddress> Cc { get; init; } = [];
    public IReadOnlyList<ReadAddress> ReplyTo { get; init; } = [];
    public ReadAddress? Sender { get; init; }
    /// <summary>The Date field, or null when missing or not understood.</summary>
    public DateTimeOffset? Date { get; init; }
    /// <summary>The Message-ID without angle brackets, or null.</summary>
    public string? MessageId { get; init; }
    /// <summary>In-Reply-To ids without angle brackets.</summary>
    public IReadOnlyList<string> InReplyTo { get; init; } = [];
    /// <summary>References ids without angle brackets, oldest first.</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>The best text: text/plain preferred (format=flowed joined), else text made from the HTML; null when the message has none.</summary>
    public string? TextBody { get; init; }
    /// <summary>The HTML body, or null.</summary>
    public string? HtmlBody { get; init; }
    /// <summary>Every leaf that is not the chosen text or HTML body, in order.</summary>
    public IReadOnlyList<ReadAttachment> Attachments { get; init; } = [];

    /// <summary>The top-level media type in lower case (e.g. "multipart/report").</summary>
    public string ContentType { get; init; } = "text/plain";
    /// <summary>RFC 6522 report-type of a top-level multipart/report in lower case (delivery-status, disposition-notification, feedback-report), else null.</summary>
    public string? ReportType { get; init; }
    /// <summary>The text of the first message/delivery-status (or global-delivery-status) part, RFC 3464; null when none.</summary>
    public string? DeliveryStatus { get; init; }
    /// <summary>Whether a message/feedback-report part (RFC 5965 ARF) is present.</summary>
    public bool HasFeedbackReport { get; init; }
    /// <summary>Whether the message carries a returned message or its headers (message/rfc822, text/rfc822-headers).</summary>
    public bool HasReturnedContent { get; init; }
    /// <summary>Message-IDs of the messages and header blocks carried inside (what a bounce or report names), in order.</summary>
    public IReadOnlyList<string> ReturnedMessageIds { get; init; } = [];

    /// <summary>Size of the raw message in bytes.</summary>
    public long RawSize { get; init; }

    public override string ToString() => $"{Subject} ({RawSize} bytes)";
}
