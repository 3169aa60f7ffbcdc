namespace TicketWorker.Mail.Protocol;

/// <summary>
/// Base of every error a mail protocol client (IMAP, SMTP) raises. Catch the subclasses to decide
/// what to do: <see cref="ConnectionLostException"/> and <see cref="ProtocolViolationException"/>
/// mean the connection is gone (reconnect); <see cref="MailCommandException"/> means the server
/// refused one command and the session lives on.
/// </summary>
public class MailProtocolException : Exception
{
    /// <summary>Creates the exception with a message and an optional cause.</summary>
    public MailProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
