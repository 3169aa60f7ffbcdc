using System.Globalization;

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
    }

    public string Format(long number) => _prefix + number.ToString(CultureInfo.InvariantCulture) + _suffix;

    /// <summary>Ticket numbers tagged in the subject, first first.</summary>
    /// <remarks>
    /// The subject is folded first (NFKC), so a client's full-width ［＃77］ is [#77]. The number is 1 to 9 decimal
    /// digits of any script (a Persian client's ۴۲ is 42), with white space around it allowed.
    /// </remarks>
    public IReadOnlyList<long> Find(string? subject)
    {
        if (string.IsNullOrEmpty(subject)) return [];
        var folded = subject.Normalize(System.Text.NormalizationForm.FormKC);
        List<long>? numbers = null;
        for (var from = 0; Next(folded, from, out _, out var end, out var number); from = end)
        {
            numbers ??= [];
            if (!numbers.Contains(number)) numbers.Add(number);
        }
        return numbers ?? (IReadOnlyList<long>)[];
    }

    /// <summary><paramref name="subject"/> with every tag replaced by a space (for <see cref="SubjectNormalizer"/>).</summary>
    internal string Remove(string subject)
    {
        if (!Next(subject, 0, out var start, out var end, out _)) return subject;
        var sb = new System.Text.StringBuilder(subject.Length);
        var copied = 0;
        do
        {
            sb.Append(subject, copied, start - copied).Append(' ');
            copied = end;
        }
        while (Next(subject, end, out start, out end, out _));
        return sb.Append(subject, copied, subject.Length - copied).ToString();
    }

    // The first tag at or after `from`, leftmost as a regex finds it: the prefix, white space, 1-9 digits, white space,
    // the suffix. A hand-written scan instead of a regex: linear, no timeout to hit on a starved machine, and none of the
    // regex engine's start-up cost (intake normalizes every subject).
    private bool Next(string subject, int from, out int start, out int end, out long number)
    {
        var s = subject.AsSpan();
        for (var i = from; i < s.Length; i++)
        {
            if (_prefix.Length > 0)
            {
                var at = s[i..].IndexOf(_prefix, StringComparison.Ordinal);
                if (at < 0) break;
                i += at;
            }
            var digitsFrom = SkipSpace(s, i + _prefix.Length);
            var digits = 0;
            while (digitsFrom + digits < s.Length && char.IsDigit(s[digitsFrom + digits])) digits++;
            // As the regex would, give back digits (then spaces) until the suffix follows.
            for (var n = Math.Min(digits, 9); n >= 1; n--)
            {
                var spaces = SkipSpace(s, digitsFrom + n);
                for (var k = spaces; k >= digitsFrom + n; k--)
                {
                    if (!s[k..].StartsWith(_suffix, StringComparison.Ordinal)) continue;
                    (start, end, number) = (i, k + _suffix.Length, Value(s.Slice(digitsFrom, n)));
                    return true;
                }
            }
        }
        (start, end, number) = (-1, -1, 0);
        return false;
    }

    private static int SkipSpace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i;
    }

    private static long Value(ReadOnlySpan<char> digits)
    {
        long value = 0;
        foreach (var c in digits) value = (value * 10) + CharUnicodeInfo.GetDecimalDigitValue(c);
        return value;
    }

    /// <summary>The subject with the tag added in front unless it is already there.</summary>
    public string Apply(string subject, long number)
    {
        var tag = Format(number);
        return subject.Contains(tag, StringComparison.Ordinal) ? subject : $"{tag} {subject}".TrimEnd();
    }
}
