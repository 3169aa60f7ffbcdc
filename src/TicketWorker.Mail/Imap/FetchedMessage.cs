namespace TicketWorker.Mail.Imap;

/// <summary>
/// One message from a streamed UID FETCH. <see cref="Body"/> reads the BODY[] literal directly from
/// the connection and is valid only until the enumeration moves to the next message; whatever is
/// left unread is skipped then.
/// </summary>
public sealed class FetchedMessage
{
    internal FetchedMessage(uint uid, IReadOnlyList<string> flags, DateTimeOffset? internalDate, long size, Stream body)
    {
        Uid = uid;
        Flags = flags;
        InternalDate = internalDate;
        Size = size;
        Body = body;
    }

    /// <summary>The message UID.</summary>
    public uint Uid { get; }

    /// <summary>Flags and keywords.</summary>
    public IReadOnlyList<string> Flags { get; }

    /// <summary>INTERNALDATE, or null if the server did not send it.</summary>
    public DateTimeOffset? InternalDate { get; }

    /// <summary>RFC822.SIZE in bytes (the body literal's length when the server sent no size).</summary>
    public long Size { get; }

    /// <summary>The raw RFC 5322 message, streamed from the connection.</summary>
    public Stream Body { get; }
}
