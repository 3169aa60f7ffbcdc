namespace TicketWorker.Mail.Protocol;

/// <summary>
/// The server refused a command; the connection stays usable. <see cref="IsTransient"/> tells
/// whether trying again later may succeed (SMTP 4xx, RFC 5321 §4.2.1) or not (SMTP 5xx, IMAP NO/BAD
/// unless the IMAP client decides otherwise).
/// </summary>
public class MailCommandException : MailProtocolException
{
    /// <summary>Creates the exception for a refused command.</summary>
    /// <param name="command">The command verb only (e.g. "MAIL", "UID MOVE"): never its arguments.</param>
    /// <param name="serverText">The server's human-readable text.</param>
    /// <param name="isTransient">Whether a later retry may succeed.</param>
    /// <param name="statusCode">The numeric reply code (SMTP), or 0 when the protocol has none.</param>
    /// <param name="enhancedStatusCode">The RFC 3463 enhanced status code ("5.1.1"), when given.</param>
    /// <param name="responseCode">A bracketed response code (IMAP "TRYCREATE"), when given.</param>
    public MailCommandException(
        string command,
        string serverText,
        bool isTransient,
        int statusCode = 0,
        string? enhancedStatusCode = null,
        string? responseCode = null)
        : base(FormatMessage(command, serverText, statusCode, enhancedStatusCode))
    {
        Command = command;
        ServerText = serverText;
        IsTransient = isTransient;
        StatusCode = statusCode;
        EnhancedStatusCode = enhancedStatusCode;
        ResponseCode = responseCode;
    }

    /// <summary>The refused command's verb.</summary>
    public string Command { get; }

    /// <summary>The server's text, as sent (multi-line replies joined with line feeds).</summary>
    public string ServerText { get; }

    /// <summary>True when a retry later may succeed (4xx); false when it will not (5xx).</summary>
    public bool IsTransient { get; }

    /// <summary>The numeric reply code (SMTP), or 0.</summary>
    public int StatusCode { get; }

    /// <summary>The RFC 3463 enhanced status code such as "5.1.1", or null.</summary>
    public string? EnhancedStatusCode { get; }

    /// <summary>The IMAP response code such as "TRYCREATE", or null.</summary>
    public string? ResponseCode { get; }

    private static string FormatMessage(string command, string serverText, int statusCode, string? enhanced)
    {
        var code = statusCode == 0 ? "" : statusCode + (enhanced is null ? " " : $" {enhanced} ");
        return $"The server refused {command}: {code}{serverText}";
    }
}
