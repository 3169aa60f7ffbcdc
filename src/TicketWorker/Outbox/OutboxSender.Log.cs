using Microsoft.Extensions.Logging;

namespace TicketWorker.Outbox;

public sealed partial class OutboxSender
{
    // Structured keys only: row id, ticket, Message-ID, outcome. Never bodies, never credentials.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Outbox: claimed {Count} rows as {Worker}")]
        public static partial void Claimed(ILogger logger, int count, string worker);

        [LoggerMessage(2, LogLevel.Information, "Outbox row {Row} (ticket {Ticket}, <{MessageId}>) sent to {Accepted} recipients on attempt {Attempt}, queue id {QueueId}; committed {CommitMs:0.0} ms after the server's reply")]
        public static partial void Sent(ILogger logger, long row, long? ticket, string messageId, int accepted, int attempt, string? queueId, double commitMs);

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

        [LoggerMessage(9, LogLevel.Debug, "Outbox: QUIT failed: {Error}")]
        public static partial void QuitFailed(ILogger logger, string error);
    }
}
