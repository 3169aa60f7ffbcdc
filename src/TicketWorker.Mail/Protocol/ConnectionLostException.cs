namespace TicketWorker.Mail.Protocol;

/// <summary>
/// The connection broke (closed by the server, network error, or no answer within the timeout):
/// the client is disconnected. Reconnect and retry; whether the last command took effect is
/// unknown.
/// </summary>
public class ConnectionLostException : MailProtocolException
{
    /// <summary>Creates the exception with a message and an optional cause.</summary>
    public ConnectionLostException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
