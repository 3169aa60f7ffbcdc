namespace TicketWorker.Mail.Reading;

/// <summary>
/// The one exception <see cref="MessageReader"/> throws for input: it is not mail at all (empty,
/// or binary without a single header field). Every other defect is read leniently.
/// </summary>
public sealed class MessageReadException(string message, Exception? inner = null) : Exception(message, inner);
