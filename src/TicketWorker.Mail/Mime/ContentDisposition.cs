namespace TicketWorker.Mail.Mime;

/// <summary>A parsed Content-Disposition (RFC 2183, parameters per RFC 2231).</summary>
public sealed class ContentDisposition
{
    public ContentDisposition(string disposition, IReadOnlyDictionary<string, string>? parameters = null)
    {
        Disposition = disposition.ToLowerInvariant();
        Parameters = parameters ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>"inline", "attachment" or whatever the sender wrote, lower case.</summary>
    public string Disposition { get; }
    public IReadOnlyDictionary<string, string> Parameters { get; }
    public bool IsAttachment => Disposition == "attachment";
    public string? FileName => Parameters.TryGetValue("filename", out var v) ? v : null;

    /// <summary>Parses leniently; null when the value is missing or empty.</summary>
    public static ContentDisposition? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var (token, parameters) = ParameterParser.Parse(value);
        var disposition = token.ToLowerInvariant() switch
        {
            // Misspellings seen in the wild; a missing disposition with a file name means attachment.
            "attachement" or "attachmant" or "attach" => "attachment",
            "" => parameters.ContainsKey("filename") ? "attachment" : "inline",
            var other => other,
        };
        return new ContentDisposition(disposition, parameters);
    }

    /// <summary>The header value to write, parameters quoted or RFC 2231-encoded as needed.</summary>
    public string ToHeaderValue()
    {
        var parts = new List<string> { Disposition };
        foreach (var (name, value) in Parameters) parts.Add(ParameterParser.Format(name, value));
        return string.Join("; ", parts);
    }

    public override string ToString() => Disposition;
}
