using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Imap;

/// <summary>Creates the library's typed exceptions for IMAP failures (one place maps protocol failures).</summary>
internal static class ImapErrors
{
    public static ConnectionLostException ConnectionLost(string message, Exception? inner = null) =>
        new("IMAP connection lost: " + message, inner);

    public static ProtocolViolationException Violation(string message) => new("IMAP protocol violation: " + message);

    public static MailCommandException CommandFailed(string command, ImapStatus status, ImapResponseCode? code, string text) =>
        new(command, (status == ImapStatus.Bad ? "BAD " : "NO ") + (code is null ? "" : "[" + code + "] ") + text,
            IsTransient(code), responseCode: code?.Name);

    public static AuthenticationFailedException AuthenticationFailed(string mechanism, MailCommandException refusal) =>
        new(mechanism, refusal.ServerText, refusal.IsTransient, responseCode: refusal.ResponseCode);

    public static bool IsConnectionLost(Exception e) => e is ConnectionLostException;

    public static bool IsViolation(Exception e) => e is ProtocolViolationException;

    public static bool IsCommandFailure(Exception e) => e is MailCommandException;

    // RFC 5530 §3: these response codes describe conditions that may clear up on their own.
    private static bool IsTransient(ImapResponseCode? code) =>
        code?.Name is "UNAVAILABLE" or "INUSE" or "LIMIT" or "SERVERBUG" or "EXPUNGEISSUED";
}
