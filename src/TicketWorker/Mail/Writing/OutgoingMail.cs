namespace TicketWorker.Mail.Writing;

/// <summary>
/// Everything an outgoing mail says, in our terms (no MimeKit types): what the acknowledgement,
/// notifications, agent relays, escalations and the digest hand to <see cref="MailWriter"/>.
/// </summary>
public sealed record OutgoingMail
{
    /// <summary>The author; its domain names a generated Message-ID unless <see cref="MessageIdDomain"/> is set.</summary>
    public required OutgoingAddress From { get; init; }

    /// <summary>RFC 5322 §3.6.2: the agent sending on behalf of <see cref="From"/>; written only when set.</summary>
    public OutgoingAddress? Sender { get; init; }

    /// <summary>Primary recipients (headers only: the envelope comes from the outbox row).</summary>
    public IReadOnlyList<OutgoingAddress> To { get; init; } = [];

    /// <summary>Copy recipients. There is no Bcc header: blind copies are envelope recipients only.</summary>
    public IReadOnlyList<OutgoingAddress> Cc { get; init; } = [];

    /// <summary>Where replies go, e.g. the plus-address carrying the ticket's reply token.</summary>
    public IReadOnlyList<OutgoingAddress> ReplyTo { get; init; } = [];

    /// <summary>One line; line breaks are replaced by spaces (a header cannot carry them).</summary>
    public string Subject { get; init; } = "";

    /// <summary>The plain-text body, or null. Any line ends; written with CRLF.</summary>
    public string? Text { get; init; }

    /// <summary>The HTML body, or null; with <see cref="Text"/> both go into multipart/alternative.</summary>
    public string? Html { get; init; }

    /// <summary>Attachments and inline images, in order.</summary>
    public IReadOnlyList<OutgoingAttachment> Attachments { get; init; } = [];

    /// <summary>The Message-ID without angle brackets; generated when null. Fixed at enqueue: a retry resends it.</summary>
    public string? MessageId { get; init; }

    /// <summary>The right-hand side of a generated Message-ID; null uses the domain of <see cref="From"/>.</summary>
    public string? MessageIdDomain { get; init; }

    /// <summary>The Date header; null takes the writer's clock.</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>In-Reply-To and References.</summary>
    public MailThread Thread { get; init; } = MailThread.None;

    /// <summary>
    /// Further header fields in order (Auto-Submitted, X-Auto-Response-Suppress, Content-Language…);
    /// non-ASCII values are RFC 2047-encoded. Fields the writer sets itself are refused.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}
