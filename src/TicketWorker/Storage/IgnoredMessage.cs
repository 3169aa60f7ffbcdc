namespace TicketWorker.Storage;

/// <summary>A row of <c>ignored_messages</c>: kept (raw bytes) but not ticketed. Times are UTC.</summary>
public sealed record IgnoredMessage
{
    public long Id { get; init; }
    public string MessageId { get; init; } = string.Empty;
    /// <summary>bulk, auto-reply or bounce.</summary>
    public string Kind { get; init; } = string.Empty;
    public string Reason { get; init; } = string.Empty;
    public string RawReference { get; init; } = string.Empty;
    public long RawSize { get; init; }
    public string? Mailbox { get; init; }
    public long? Uid { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
}
