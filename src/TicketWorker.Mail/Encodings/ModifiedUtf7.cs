namespace TicketWorker.Mail.Encodings;

/// <summary>IMAP's modified UTF-7 for mailbox names (RFC 3501 §5.1.3).</summary>
public static class ModifiedUtf7
{
    /// <summary>Encodes a mailbox name: printable ASCII kept, '&amp;' as "&amp;-", the rest as &amp;base64-.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Utf7.EncodeCore(value, imap: true);
    }

    /// <summary>Decodes a mailbox name leniently; never throws. Non-ASCII characters (UTF8=ACCEPT servers) pass through.</summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('&')) return value;
        var state = new Utf7.Utf7DecoderState(imap: true);
        var sb = new System.Text.StringBuilder(value.Length);
        foreach (var c in value) state.Feed(c, sb);
        state.Finish(sb);
        return sb.ToString();
    }
}
