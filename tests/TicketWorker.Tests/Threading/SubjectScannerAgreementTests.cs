using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TicketWorker.Threading;

namespace TicketWorker.Tests.Threading;

/// <summary>
/// The reply-prefix and subject-tag scanners replaced regexes (2026-12-04, for intake's start-up cost): on many
/// generated subjects they must find exactly what those regexes found, as the regexes are kept here for that.
/// </summary>
public class SubjectScannerAgreementTests
{
    // The prefix regex as SubjectNormalizer built it until 2026-12-04, over the same prefixes.
    private static Regex PrefixRegex(IEnumerable<string> prefixes) => new(
        $@"^(?:{string.Join("|", prefixes.Distinct().OrderByDescending(p => p.Length).Select(Regex.Escape))})\.?\s*(?:\[\d+\]|\(\d+\)|\^\d+|\d{{1,2}})?\s*[:：]\s*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    // The tag regex as SubjectTag built it until 2026-12-04.
    private static Regex TagRegex(string prefix, string suffix) => new(
        Regex.Escape(prefix) + @"\s*(\d{1,9})\s*" + Regex.Escape(suffix), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    [Test]
    public void ThePrefixScannerMatchesWhatTheRegexMatched()
    {
        var regex = PrefixRegex(SubjectNormalizer.KnownPrefixes);
        var subjects = new List<string>();
        foreach (var prefix in SubjectNormalizer.KnownPrefixes.Distinct())
            foreach (var cased in new[] { prefix, prefix.ToUpperInvariant(), CultureInfo.InvariantCulture.TextInfo.ToTitleCase(prefix) })
                foreach (var dot in new[] { "", ".", " ", ". ", "  " })
                    foreach (var counter in new[] { "", "[2]", "(12)", "^3", "2", "12", "123", " 2", "۴", "[x]", "[]", "^", "(2" })
                        foreach (var colon in new[] { ":", "：", " :", "", "::" })
                            foreach (var tail in new[] { " x", "x", "", "  Printer" })
                                subjects.Add(cased + dot + counter + colon + tail);
        subjects.AddRange(RandomStrings(20_000, "reRsSvVáÉfwdFWi̇İlt.:：[]()^ 0123۴ \u00a0\t", seed: 7));

        var disagreements = subjects.Where(s => Expected(regex, s) != SubjectNormalizer.PrefixLength(s)).Take(10)
            .Select(s => $"'{s}': regex {Expected(regex, s)}, scanner {SubjectNormalizer.PrefixLength(s)}").ToList();
        Assert.That(disagreements, Is.Empty, $"of {subjects.Count} subjects");

        static int Expected(Regex regex, string s) => regex.Match(s) is { Success: true } m ? m.Length : 0;
    }

    [TestCase("[#{number}]")]
    [TestCase("(Ticket {number})")]
    [TestCase("{number}]")]
    [TestCase("[#{number}")]
    [TestCase("#{number} ]")]
    [TestCase("T{number}1")]
    public void TheTagScannerFindsAndRemovesWhatTheRegexDid(string format)
    {
        var at = format.IndexOf("{number}", StringComparison.Ordinal);
        var regex = TagRegex(format[..at], format[(at + "{number}".Length)..]);
        var tag = new SubjectTag(format);
        var subjects = RandomStrings(20_000, "[#]()Tickt 0123456789۴۲ \u3000", seed: 11)
            .Concat(["Re: [#1234] Printer", "[#1] [#2] [#1]", "[# 12 ]", "[#1234567890]", "[#123456789]", "T11", "T1 1", "#5  ]x", "(Ticket 9)"]);
        var disagreements = new List<string>();
        foreach (var subject in subjects)
        {
            var folded = subject.Normalize(NormalizationForm.FormKC);
            var expectedNumbers = regex.Matches(folded).Select(m => Number(m.Groups[1].Value)).Distinct().ToList();
            var expectedRemoved = regex.Replace(subject, " ");
            if (!tag.Find(subject).SequenceEqual(expectedNumbers) || tag.Remove(subject) != expectedRemoved)
                disagreements.Add($"'{subject}': regex [{string.Join(",", expectedNumbers)}] '{expectedRemoved}', scanner [{string.Join(",", tag.Find(subject))}] '{tag.Remove(subject)}'");
        }
        Assert.That(disagreements.Take(10), Is.Empty);

        static long Number(string digits) => digits.Aggregate(0L, (n, c) => (n * 10) + CharUnicodeInfo.GetDecimalDigitValue(c));
    }

    [Test]
    public void ATagInAnotherScriptsDigitsIsFoundNotAFailure() =>
        Assert.That(new SubjectTag().Find("پاسخ: [#۴۲] چاپگر"), Is.EqualTo(new long[] { 42 }));

    private static List<string> RandomStrings(int count, string alphabet, int seed)
    {
        var random = new Random(seed);
        var elements = StringInfo.GetTextElementEnumerator(alphabet);
        var letters = new List<string>();
        while (elements.MoveNext()) letters.Add(elements.GetTextElement());
        return Enumerable.Range(0, count)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(0, 14)).Select(_ => letters[random.Next(letters.Count)])))
            .ToList();
    }
}
