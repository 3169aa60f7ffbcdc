using Microsoft.Extensions.Logging;

namespace TicketWorker.Intake;

public sealed partial class MailboxIntake
{
    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Mailbox {Mailbox}: connected to {Host} (IDLE: {Idle})")]
        public static partial void Connected(ILogger logger, string mailbox, string host, bool idle);

        [LoggerMessage(11, LogLevel.Warning, "Mailbox {Mailbox}: {Error}; retrying with backoff")]
        public static partial void IntakeFailed(ILogger logger, string mailbox, string error);

        [LoggerMessage(12, LogLevel.Warning, "Mailbox {Mailbox}: UIDVALIDITY changed from {Old} to {New}; re-scanning the folder (duplicates are caught by Message-ID)")]
        public static partial void UidValidityChanged(ILogger logger, string mailbox, long old, long @new);

        [LoggerMessage(13, LogLevel.Warning, "Mailbox {Mailbox}: marking processed mail failed: {Error}")]
        public static partial void MarkFailed(ILogger logger, string mailbox, string error);

        [LoggerMessage(14, LogLevel.Information, "Mailbox {Mailbox}: held by another worker; waiting")]
        public static partial void LeaseHeldElsewhere(ILogger logger, string mailbox);

        [LoggerMessage(15, LogLevel.Error, "Mailbox {Mailbox}: unexpected failure; retrying with backoff")]
        public static partial void Unexpected(ILogger logger, Exception exception, string mailbox);

        [LoggerMessage(16, LogLevel.Warning, "Mailbox {Mailbox}: the server does not keep the keyword {Keyword} (PERMANENTFLAGS) and no MoveToFolder is set; processed mail stays unmarked")]
        public static partial void KeywordNotAllowed(ILogger logger, string mailbox, string keyword);

        [LoggerMessage(17, LogLevel.Information, "Mailbox {Mailbox}: the server sent no UIDNEXT; mail up to UID {Highest} counts as present at the first start")]
        public static partial void NoUidNext(ILogger logger, string mailbox, uint highest);
    }
}
