using System.Text.Json.Serialization;

namespace TicketWorker.Intake;

/// <summary>What intake did with one message: one JSON line of <c>ticketworker ingest</c>.</summary>
public sealed record IngestResult(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("ticket")] long? Ticket,
    [property: JsonPropertyName("messageId")] string? MessageId,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("reason")] string? Reason)
{
    public const string Created = "created", Appended = "appended", Duplicate = "duplicate", Ignored = "ignored", Quarantined = "quarantined";

    /// <summary>True when the message is safely stored (ticketed, ignored with raw kept, duplicate, or quarantined).</summary>
    [JsonIgnore]
    public bool IsStored => Action is Created or Appended or Duplicate or Ignored or Quarantined;
}

/// <summary>Where a message came from: an IMAP mailbox and UID, or standard input/a file.</summary>
/// <param name="IsHistory">Mail that was already in the mailbox at the first start: ticketed, never answered automatically.</param>
public sealed record IngestSource(string? Mailbox, long? Uid, bool IsHistory = false)
{
    public static IngestSource Pipe(string? mailbox) => new(mailbox, null);
}
