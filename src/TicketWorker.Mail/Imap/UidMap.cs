namespace TicketWorker.Mail.Imap;

/// <summary>Source UID to destination UID pairs from a COPYUID response code (RFC 4315 §3).</summary>
public sealed record UidMap(uint DestinationUidValidity, IReadOnlyList<uint> Source, IReadOnlyList<uint> Destination);
