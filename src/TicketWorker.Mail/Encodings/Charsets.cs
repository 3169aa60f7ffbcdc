using System.Text;

namespace TicketWorker.Mail.Encodings;

/// <summary>Maps MIME charset names to encodings and decodes text without ever throwing.</summary>
/// <remarks>STUB: owned by the encodings work; the signatures are the contract.</remarks>
public static class Charsets
{
    /// <summary>The encoding for a MIME charset name (aliases, code pages, UTF-7), or null when unknown.</summary>
    public static Encoding? GetEncoding(string? charset) => charset is null ? null : TryGet(charset);

    /// <summary>
    /// Decodes bytes declared as <paramref name="charset"/>. Unknown charsets and invalid UTF-8 fall
    /// back to <paramref name="fallback"/> (default windows-1252-like best effort); never throws.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? charset, Encoding? fallback = null)
        => (GetEncoding(charset) ?? Encoding.UTF8).GetString(bytes);

    private static Encoding? TryGet(string name)
    {
        try { return Encoding.GetEncoding(name); } catch (ArgumentException) { return null; }
    }
}
