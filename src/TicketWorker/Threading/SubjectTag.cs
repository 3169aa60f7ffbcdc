using System.Globalization;
using System.Text.RegularExpressions;

namespace TicketWorker.Threading;

/// <summary>
/// Our ticket tag in subjects, e.g. <c>[#42]</c>. The format is configurable
/// (<c>Threading:SubjectTag</c>, with <c>{number}</c> where the number goes).
/// </summary>
public sealed class SubjectTag
{
    public const string DefaultFormat = "[#{number}]";
    private readonly string _prefix;
    private readonly string _suffix;

    public SubjectTag(string format = DefaultFormat)
    {
        var at = format.IndexOf("{number}", StringComparison.Ordinal);
        if (at < 0) throw new ArgumentException("the subject tag format must contain {number}", nameof(format));
        _prefix = format[..at];
        _suffix = format[(at + "{number}".Length)..];
        if (_prefix.Length + _suffix.Length == 0) throw new ArgumentException("the subject tag format needs text around {number}", nameof(format));
        // Full-width and ASCII forms are both accepted: SubjectNormalizer folds them, mail clients don't.
        // Linear-time engine instead of a wall-clock timeout: the format comes from config, but escaped, and a
        // timeout on a starved machine failed whole intake batches on ordinary subjects.
        Pattern = new Regex(Regex.Escape(_prefix) + @"\s*(\d{1,9})\s*" + Regex.Escape(_suffix),
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    /// <summary>Matches the tag; group 1 is the ticket number.</summary>
    public Regex Pattern { get; }

    public string Format(long number) => _prefix + number.ToString(CultureInfo.InvariantCulture) + _suffix;

    /// <summary>Ticket numbers tagged in the subject, first first.</summary>
    public IReadOnlyList<long> Find(string? subject)
    {
        if (string.IsNullOrEmpty(subject)) return [];
        return Pattern.Matches(subject.Normalize(System.Text.NormalizationForm.FormKC))
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();
    }

    /// <summary>The subject with the tag added in front unless it is already there.</summary>
    public string Apply(string subject, long number)
    {
        var tag = Format(number);
        return subject.Contains(tag, StringComparison.Ordinal) ? subject : $"{tag} {subject}".TrimEnd();
    }
}
