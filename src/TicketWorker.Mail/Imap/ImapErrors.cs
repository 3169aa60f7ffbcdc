namespace TicketWorker.Mail.Imap;

/// <summary>Creates the typed exceptions of the mail library for IMAP failures (one place to map protocol failures).</summary>
internal static class ImapErrors
{
    public static Exception ConnectionLost(string message, Exception? inner = null) => new IOException("IMAP connection lost: " + message, inner);

    public static Exception Violation(string message) => new InvalidDataException("IMAP protocol violation: " + message);

    public static Exception CommandFailed(string command, string status, string text) => new InvalidOperationException($"IMAP {command} failed: {status} {text}");

    public static Exception AuthenticationFailed(string text, Exception? inner = null) => new UnauthorizedAccessException("IMAP authentication failed: " + text, inner);

    public static bool IsConnectionLost(Exception e) => e is IOException;

    public static bool IsViolation(Exception e) => e is InvalidDataException;

    public static bool IsCommandFailure(Exception e) => e is InvalidOperationException or UnauthorizedAccessException;
}
