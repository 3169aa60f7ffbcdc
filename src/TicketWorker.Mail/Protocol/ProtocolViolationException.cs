namespace TicketWorker.Mail.Protocol;

/// <summary>
/// The server sent something the protocol does not allow (an unparseable reply, a line beyond the
/// limit). The client cannot know where the stream stands, so it disconnects itself.
/// </summary>
public class ProtocolViolationException : MailProtocolException
{
    /// <summary>Creates the exception with a message and an optional cause.</summary>
    public ProtocolViolationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
