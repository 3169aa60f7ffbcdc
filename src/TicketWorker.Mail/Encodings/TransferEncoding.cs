namespace TicketWorker.Mail.Encodings;

/// <summary>Content-Transfer-Encoding decoding as streams (lenient, bounded memory).</summary>
/// <remarks>STUB: owned by the encodings work; the signatures are the contract.</remarks>
public static class TransferEncoding
{
    /// <summary>
    /// Wraps <paramref name="encoded"/> in a stream that decodes the given transfer encoding
    /// (base64, quoted-printable; anything else passes through). Never throws on bad input.
    /// </summary>
    public static Stream CreateDecodingStream(Stream encoded, string? transferEncoding, bool leaveOpen = false)
        => encoded;

    /// <summary>Decodes a whole buffer (convenience for small parts and tests).</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded, string? transferEncoding) => encoded.ToArray();
}
