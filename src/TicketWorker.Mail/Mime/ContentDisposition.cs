namespace TicketWorker.Mail.Mime;

/// <summary>A parsed Content-Disposition (RFC 2183, parameters per RFC 2231).</summary>
/// <remarks>STUB: owned by the header-field work; the signatures are the contract.</remarks>
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
    public static ContentDisposition? Parse(string? value) => null;
}
