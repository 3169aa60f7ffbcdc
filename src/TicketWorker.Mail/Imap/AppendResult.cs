namespace TicketWorker.Mail.Imap;

/// <summary>Where APPEND put a message (RFC 4315 §3 APPENDUID); both values are 0 when the server lacks UIDPLUS.</summary>
public sealed record AppendResult(uint UidValidity, uint Uid);
