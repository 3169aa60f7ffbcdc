namespace TicketWorker.Mail.Mime;

/// <summary>A parsed Content-Type (RFC 2045 §5, parameters per RFC 2231).</summary>
/// <remarks>STUB: owned by the header-field work; the signatures are the contract.</remarks>
public sealed class ContentType
{
    public ContentType(string mediaType, string mediaSubtype, IReadOnlyDictionary<string, string>? parameters = null)
    {
        MediaType = mediaType.ToLowerInvariant();
        MediaSubtype = mediaSubtype.ToLowerInvariant();
        Parameters = parameters ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    public string MediaType { get; }
    public string MediaSubtype { get; }
    /// <summary>Parameter values decoded (RFC 2231 continuations and charsets, RFC 2047 leniently), case-insensitive names.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }
    public string MimeType => MediaType + "/" + MediaSubtype;
    public string? Charset => Parameters.TryGetValue("charset", out var v) ? v : null;
    public string? Boundary => Parameters.TryGetValue("boundary", out var v) ? v : null;
    public string? Name => Parameters.TryGetValue("name", out var v) ? v : null;
    public bool Is(string mediaType, string mediaSubtype) =>
        MediaType == mediaType && (mediaSubtype == "*" || MediaSubtype == mediaSubtype);

    /// <summary>Parses a header value leniently; null or garbage gives text/plain (RFC 2045 §5.2).</summary>
    public static ContentType Parse(string? value) => new("text", "plain");

    public override string ToString() => MimeType;
}
