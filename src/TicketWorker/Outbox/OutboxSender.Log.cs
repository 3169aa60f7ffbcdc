using Microsoft.Extensions.Logging;

namespace TicketWorker.Outbox;

public sealed partial class OutboxSender
{
    // Structured keys only: row id, ticket, Message-ID, outcome. Never bodies, never credentials.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Outbox: claimed {Count} rows as {Worker}")]
        public static partial void Claimed(ILogger logger, int count, string worker);

        // WindowMs: from reading the server's 250 to the durable "sent" record (in the journal or, without one, the database).
        // ExposedMs: from the end of the message data to that record, the server's own acceptance time included.
        [LoggerMessage(2, LogLevel.Information, "Outbox row {Row} (ticket {Ticket}, <{MessageId}>) sent to {Accepted} recipients on attempt {Attempt}, queue id {QueueId}; window {WindowMs:0.000} ms from the server's reply to the record in the {Record}, {ExposedMs:0.000} ms from the end of the data")]
        public static partial void Sent(ILogger logger, long row, long? ticket, string messageId, int accepted, int attempt, string? queueId, double windowMs, string record, double exposedMs);

        [LoggerMessage(3, LogLevel.Warning, "Outbox row {Row} (ticket {Ticket}, <{MessageId}>) sent, but {Rejections}")]
        public static partial void SomeRecipientsRefused(ILogger logger, long row, long? ticket, string messageId, string rejections);

        [LoggerMessage(4, LogLevel.Warning, "Outbox row {Row} (ticket {Ticket}, <{MessageId}>) attempt {Attempt} failed, retry at {NextAttempt:u}: {Error}")]
        public static partial void Rescheduled(ILogger logger, long row, long? ticket, string messageId, int attempt, DateTimeOffset nextAttempt, string error);

        [LoggerMessage(5, LogLevel.Error, "Outbox row {Row} (ticket {Ticket}, <{MessageId}>) failed after {Attempt} attempts: {Error}")]
        public static partial void Failed(ILogger logger, long row, long? ticket, string messageId, int attempt, string error);

        [LoggerMessage(6, LogLevel.Warning, "Outbox: SMTP server unavailable, {Count} rows wait for it: {Error}")]
        public static partial void ServerUnavailable(ILogger logger, int count, string error);

        [LoggerMessage(7, LogLevel.Warning, "Outbox row {Row} (<{MessageId}>) sent but not copied to {Mailbox}/{Folder}: {Error}")]
        public static partial void SentFolderFailed(ILogger logger, long row, string messageId, string mailbox, string folder, string error);

        [LoggerMessage(8, LogLevel.Warning, "Outbox: mailbox {Mailbox} has SentFolder {Folder} but no IMAP appender is wired; sent mail is not copied")]
        public static partial void NoSentFolderAppender(ILogger logger, string mailbox, string folder);

        [LoggerMessage(10, LogLevel.Error, "Outbox: the SMTP server refuses our login or certificate (check TicketWorker:Smtp), {Count} rows wait: {Error}")]
        public static partial void SmtpSettingsRefused(ILogger logger, int count, string error);

        [LoggerMessage(11, LogLevel.Warning, "Outbox: the sent journal {Path} failed, sent mail is recorded in the database at once instead: {Error}")]
        public static partial void JournalFailed(ILogger logger, string path, string error);

        [LoggerMessage(12, LogLevel.Information, "Outbox: took over the sent journal of the stopped worker {Worker}: {Sent} rows recorded as sent, {InFlight} were in flight")]
        public static partial void TookOverJournal(ILogger logger, string worker, int sent, int inFlight);

        [LoggerMessage(13, LogLevel.Warning, "Outbox row {Row}: worker {Worker} stopped after sending its message data and before recording the server's reply; if the server had accepted it, the retry delivers the identical message (same Message-ID) a second time")]
        public static partial void MaybeDeliveredTwice(ILogger logger, long row, string worker);

        [LoggerMessage(14, LogLevel.Warning, "Outbox: {Count} sent rows are in the journal but not yet in the database (retried before the next claim): {Error}")]
        public static partial void ReconcileFailed(ILogger logger, int count, string error);

        [LoggerMessage(9, LogLevel.Debug, "Outbox: QUIT failed: {Error}")]
        public static partial void QuitFailed(ILogger logger, string error);
    }
}
