namespace TicketWorker.Mail.Imap;

/// <summary>The result of one IDLE round: why it ended and what the server reported meanwhile.</summary>
public sealed record IdleResult(IdleOutcome Outcome, MailboxChanges Changes);
