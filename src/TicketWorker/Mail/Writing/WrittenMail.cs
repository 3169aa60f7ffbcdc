namespace TicketWorker.Mail.Writing;

/// <summary>A written mail: its fixed Message-ID (no angle brackets), its Date and its bytes, 7-bit clean with CRLF line ends.</summary>
public sealed record WrittenMail(string MessageId, DateTimeOffset Date, byte[] Raw);
