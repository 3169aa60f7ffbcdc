using System.Text.Json;
using System.Text.RegularExpressions;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading.Corpora;

/// <summary>
/// stalwartlabs/mail-parser's eml files against its JSON output (NNN.json, made from the file as
/// it is), read through our reading layer: per message (and embedded message) the decoded subject,
/// From/To/Cc and the text and HTML body.
/// </summary>
/// <remarks>
/// The JSON is one library's output, so values are normalised before comparing: subjects trimmed;
/// display names and addresses trimmed, an empty display name equals none, comments dropped from
/// display names, and entries without an address (a bare comment) left out; the text body is
/// compared with every whitespace run as one space (line ends, the line break before a boundary,
/// format=flowed soft breaks which we join and mail-parser does not, and the separator between
/// several inline text parts all differ in whitespace only). Embedded messages are compared the
/// same way, matched by order.
/// </remarks>
public class MailParserCorpusTests
{
    private const string Corpus = "mail-parser";

    [Test]
    public async Task DecodedSubjectsAddressesAndTextMatchItsJson()
    {
        var dir = global::TicketWorker.Tests.Corpus.Require(Corpus);
        var exclusions = CorpusExclusions.Load();
        var wellFormed = new MatchTally(Corpus + " rfc+thirdparty");
        var malformed = new MatchTally(Corpus + " malformed");

        foreach (var eml in Directory.EnumerateFiles(Path.Combine(dir, "eml"), "*.eml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(dir, eml).Replace('\\', '/');
            var jsonPath = Path.ChangeExtension(eml, ".json");
            if (!File.Exists(jsonPath)) continue;
            var tally = name.StartsWith("eml/malformed/", StringComparison.Ordinal) ? malformed : wellFormed;
            if (exclusions.IsExcluded(Corpus, name))
            {
                tally.RecordExcluded();
                continue;
            }
            var message = await MessageReader.ReadAsync(eml);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
            CompareMessage(json.RootElement, message, name, tally);
        }

        wellFormed.Report();
        malformed.Report();
        TestContext.Out.WriteLine($"{Corpus} overall: {wellFormed.Matched + malformed.Matched}/{wellFormed.Compared + malformed.Compared}");
        Assert.That(wellFormed.Compared, Is.GreaterThan(80));
        // Our own parser matched 122/122 and 27/34 here. Two values moved with MimeKit: thirdparty/005
        // ends "invalid--1--" with the closing delimiter glued to the text (RFC 2046 §5.1.1 wants it
        // at the start of a line, and MimeKit keeps it as text), and malformed/001 declares boundaries
        // "ab" and "a" where "--ab" also starts with "--a". Both floors are the rates measured now.
        Assert.That(wellFormed.Rate, Is.GreaterThanOrEqualTo(121.0 / 122));
        // malformed/ holds Dovecot's parser torture tests: there is no standard answer, and
        // mail-parser's error recovery departs from RFC 2046 §5.1.2 (an enclosing boundary must
        // end an inner multipart), from MimeKit and Dovecot (the first of two Content-Type fields
        // counts) and from RFC 8621 §4.1.4 (the unterminated last part becomes an attachment).
        // Its rate is printed and held above a regression floor rather than the 98% one.
        Assert.That(malformed.Rate, Is.GreaterThanOrEqualTo(26.0 / 34));
    }

    private static void CompareMessage(JsonElement expected, ReadMessage? message, string name, MatchTally tally)
    {
        var parts = expected.GetProperty("parts");

        foreach (var header in parts[0].GetProperty("headers").EnumerateArray())
        {
            var nameElement = header.GetProperty("name");
            var field = nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString() : null;
            var value = header.GetProperty("value");
            switch (field)
            {
                case "subject" when value.ValueKind == JsonValueKind.Object && value.TryGetProperty("Text", out var text):
                    var subject = message?.Subject ?? "";
                    tally.Record(subject.Trim() == text.GetString()?.Trim(), $"{name} subject: '{subject}' vs '{text.GetString()}'");
                    break;
                case "from" or "to" or "cc" when value.ValueKind == JsonValueKind.Object && value.TryGetProperty("Address", out var address):
                    // A bare comment or name without address is no mailbox; it is not compared.
                    var want = string.Join(", ", ExpectedAddresses(address).Where(a => !a.EndsWith("<>", StringComparison.Ordinal)));
                    var list = field switch { "from" => message?.From, "to" => message?.To, _ => message?.Cc } ?? [];
                    var got = string.Join(", ", list.Where(a => !string.IsNullOrWhiteSpace(a.Address)).Select(a => Format(a.Name, a.Address)));
                    tally.Record(want == got, $"{name} {field}: [{got}] vs [{want}]");
                    break;
            }
        }

        // The text body: mail-parser's text_body parts that are plain text, joined.
        if (BodyText(expected, parts, "text_body", "Text") is { } expectedText)
        {
            var actual = message?.TextBody;
            tally.Record(Collapse(actual) == Collapse(expectedText), $"{name} text: '{Shorten(actual)}' vs '{Shorten(expectedText)}'");
        }
        if (BodyText(expected, parts, "html_body", "Html") is { } expectedHtml)
        {
            var actual = message?.HtmlBody;
            tally.Record(Collapse(actual) == Collapse(expectedHtml), $"{name} html: '{Shorten(actual)}' vs '{Shorten(expectedHtml)}'");
        }

        // Embedded messages, matched by order of appearance.
        var embedded = (message?.Attachments ?? []).Where(a => a.Message is not null).Select(a => a.Message).ToList();
        var k = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var body = part.GetProperty("body");
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("Message", out var inner)) continue;
            if (inner.ValueKind == JsonValueKind.Object && inner.TryGetProperty("parts", out _))
            {
                CompareMessage(inner, k < embedded.Count ? embedded[k] : null, $"{name} message {k + 1}", tally);
            }
            k++;
        }
    }

    /// <summary>
    /// The joined text of the body list when every listed part is of <paramref name="kind"/>
    /// (mail-parser also lists inline images and converts between text and HTML with its own
    /// rules; those lists are not compared). Null when there is nothing to compare.
    /// </summary>
    private static string? BodyText(JsonElement message, JsonElement parts, string list, string kind)
    {
        var texts = new List<string>();
        foreach (var index in message.GetProperty(list).EnumerateArray())
        {
            var body = parts[index.GetInt32()].GetProperty("body");
            if (body.ValueKind != JsonValueKind.Object) continue;
            if (body.TryGetProperty("InlineBinary", out _)) continue;
            if (!body.TryGetProperty(kind, out var text)) return null;
            texts.Add(text.GetString() ?? "");
        }
        return texts.Count == 0 ? null : string.Join("\n", texts);
    }

    private static IEnumerable<string> ExpectedAddresses(JsonElement address)
    {
        if (address.TryGetProperty("List", out var list))
        {
            foreach (var a in list.EnumerateArray()) yield return Format(a);
        }
        else if (address.TryGetProperty("Group", out var groups))
        {
            foreach (var g in groups.EnumerateArray())
            {
                if (!g.TryGetProperty("addresses", out var members)) continue;
                foreach (var a in members.EnumerateArray()) yield return Format(a);
            }
        }
    }

    private static string Format(JsonElement a) =>
        Format(a.TryGetProperty("name", out var n) ? n.GetString() : null, a.TryGetProperty("address", out var ad) ? ad.GetString() : null);

    /// <summary>
    /// "name &lt;address&gt;" with comments removed from the name (RFC 5322 §3.2.2: a comment is not
    /// part of the phrase; mail-parser moves it into the name) and surrounding space trimmed.
    /// </summary>
    private static string Format(string? name, string? address) =>
        $"{Regex.Replace(name ?? "", @"\([^()]*\)", " ").Trim().Replace("  ", " ")} <{address?.Trim()}>";

    /// <summary>Whitespace runs (line ends, flowed soft breaks, blank lines between joined parts) count as one space.</summary>
    private static string Collapse(string? text) => string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Shorten(string? s) => s is null ? "(null)" : s.Length <= 60 ? s.ReplaceLineEndings("⏎") : s[..60].ReplaceLineEndings("⏎") + "…";
}
