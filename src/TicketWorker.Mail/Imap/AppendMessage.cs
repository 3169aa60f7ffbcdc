namespace TicketWorker.Mail.Imap;

/// <summary>One message for a batch APPEND: raw RFC 5322 bytes with optional flags and internal date.</summary>
public sealed record AppendMessage(ReadOnlyMemory<byte> Data, IReadOnlyList<string>? Flags = null, DateTimeOffset? InternalDate = null);
