namespace TicketWorker.Mail.Mime;

/// <summary>A parsed Content-Type (RFC 2045 §5, parameters per RFC 2231).</summary>
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
    public static ContentType Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return new ContentType("text", "plain");
        var (token, parameters) = ParameterParser.Parse(value);
        var slash = token.IndexOf('/');
        string type, subtype;
        if (slash < 0)
        {
            // "text" alone happens, and bare garbage: both are text/plain (RFC 2045 §5.2).
            (type, subtype) = ("text", "plain");
        }
        else
        {
            type = token[..slash].Trim();
            subtype = token[(slash + 1)..].Trim();
            var extra = subtype.IndexOf('/');
            if (extra >= 0) subtype = subtype[..extra];
            if (!IsToken(type) || !IsToken(subtype)) (type, subtype) = ("text", "plain");
        }
        // A multipart without a boundary cannot be split; RFC 2046 readers treat it as text.
        if (type.Equals("multipart", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(parameters.GetValueOrDefault("boundary")))
        {
            (type, subtype) = ("text", "plain");
        }
        return new ContentType(type, subtype, parameters);
    }

    /// <summary>The header value to write, parameters quoted or RFC 2231-encoded as needed.</summary>
    public string ToHeaderValue()
    {
        var parts = new List<string> { MimeType };
        foreach (var (name, value) in Parameters) parts.Add(ParameterParser.Format(name, value));
        return string.Join("; ", parts);
    }

    public override string ToString() => MimeType;

    private static bool IsToken(string s) => s.Length > 0 && s.All(ParameterParser.IsTokenChar);
}
