namespace TicketWorker.Mail.Imap;

/// <summary>The UID FETCH attributes of one message without its body.</summary>
/// <param name="Uid">The message UID.</param>
/// <param name="Flags">Flags and keywords, e.g. \Seen or $Ticketed.</param>
/// <param name="InternalDate">INTERNALDATE, or null if the server did not send it.</param>
/// <param name="Size">RFC822.SIZE in bytes.</param>
public sealed record MessageSummary(uint Uid, IReadOnlyList<string> Flags, DateTimeOffset? InternalDate, long Size);
