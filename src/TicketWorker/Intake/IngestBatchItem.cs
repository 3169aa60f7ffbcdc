using TicketWorker.Storage;

namespace TicketWorker.Intake;

/// <summary>One message of an intake batch: its raw bytes (already in the batch's segment), where it came from, and its full size.</summary>
/// <param name="FullSize">The size the message had; larger than <see cref="RawMailReference.Size"/> when it exceeded MaxMessageSize and was cut.</param>
public sealed record IngestBatchItem(RawMailReference Raw, IngestSource Source, long FullSize);
