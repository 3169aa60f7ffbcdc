namespace TicketWorker.Mail.Mime;

/// <summary>
/// The one exception the MIME parser throws: the input is not a message at all or breaks a
/// configured limit (see <see cref="MimeParserOptions"/>). Everything else is parsed leniently.
/// </summary>
public sealed class MimeParseException(string message, Exception? inner = null) : Exception(message, inner);
