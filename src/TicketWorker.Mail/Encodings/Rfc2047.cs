namespace TicketWorker.Mail.Encodings;

/// <summary>RFC 2047 encoded words: decoding (lenient) and encoding.</summary>
/// <remarks>STUB: owned by the encodings work; the signatures are the contract.</remarks>
public static class Rfc2047
{
    /// <summary>Decodes an unstructured header value (Subject, Comments): encoded words anywhere.</summary>
    public static string DecodeText(string value) => value;

    /// <summary>Decodes a phrase (display name), including encoded words inside quoted strings.</summary>
    public static string DecodePhrase(string value) => value;

    /// <summary>Encodes text for an unstructured header if it needs it, folding is left to the writer.</summary>
    public static string EncodeText(string value) => value;
}
