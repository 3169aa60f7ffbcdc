namespace TicketWorker.Outbox;

/// <summary>A row the SMTP server accepted, as a journal recorded it.</summary>
public sealed record SentEntry(long Row, DateTimeOffset At, string? Note);
