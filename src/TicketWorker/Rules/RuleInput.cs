using TicketWorker.Classification;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Rules;

/// <summary>
/// What rules look at, filled by the caller: message fields plus facts decided elsewhere (detected
/// language, whether support is open now), so the engine stays pure.
/// </summary>
public sealed record RuleInput
{
    public string From { get; init; } = string.Empty;
    public IReadOnlyList<string> To { get; init; } = [];
    public IReadOnlyList<string> Cc { get; init; } = [];
    public string Subject { get; init; } = string.Empty;
    public string Body { get; init; } = string.Empty;

    /// <summary>Every header as (name, decoded value), in message order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public bool HasAttachment { get; init; }

    /// <summary>Detected language tag of the message (e.g. en, fa, ru), or null when unknown.</summary>
    public string? Language { get; init; }

    /// <summary>Whether the message arrived within business hours.</summary>
    public bool InBusinessHours { get; init; }

    /// <summary>Classifier kind name (customer, list, …).</summary>
    public string Kind { get; init; } = "customer";

    /// <summary>The part of <see cref="From"/> after the last @.</summary>
    public string FromDomain => From.LastIndexOf('@') is var at and >= 0 ? From[(at + 1)..] : string.Empty;

    /// <summary>Decoded values of every header with this name (case-insensitive).</summary>
    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>Fills the message fields from a parsed message.</summary>
    public static RuleInput ForMessage(ReadMessage message, MessageKind kind, bool inBusinessHours, string? language = null) => new()
    {
        From = message.From.FirstOrDefault()?.Address ?? string.Empty,
        To = message.To.Select(a => a.Address).ToList(),
        Cc = message.Cc.Select(a => a.Address).ToList(),
        Subject = message.Subject,
        Body = message.TextBody ?? string.Empty,
        Headers = message.Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList(),
        HasAttachment = message.Attachments.Count > 0,
        Language = language ?? DetectLanguage(message),
        InBusinessHours = inBusinessHours,
        Kind = kind.ToName(),
    };

    /// <summary>The language of a message as rules see it: script and common words of the customer's text, then Content-Language, then English.</summary>
    public static string DetectLanguage(ReadMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Replies.LanguageDetector.Detect(message.Subject, message.TextBody, message.Headers.GetDecoded("Content-Language"), null);
    }

    private static string? LanguageTag(string? header)
    {
        var first = header?.Split(',')[0].Trim();
        if (string.IsNullOrEmpty(first)) return null;
        return first.Split('-')[0].ToLowerInvariant();
    }
}
