using System.Text;

namespace TicketWorker.Mail.Quotes;

/// <summary>The text heuristics of <see cref="ReplyText"/>, over lines.</summary>
internal static class TextQuotes
{
    // Outlook wraps a long "From:" over a line or two before "Sent:".
    private const int HeaderBlockReach = 4;

    // Gmail and Apple Mail wrap a long attribution over up to three lines.
    private const int AttributionLines = 3;

    private enum Kind { Text, Quote, Attribution }

    public static ExtractedReply Strip(string text)
    {
        var normalized = text.Replace("\r\n", "\n").Replace('\r', '\n').Replace(QuotePatterns.BlankLine, "");
        // The lines are read in place: a copy of each line was most of what stripping a plain-text reply allocated.
        var lines = new TextLines(normalized);
        var kinds = new Kind[lines.Count];
        for (var i = 0; i < lines.Count; i++) kinds[i] = IsQuoted(lines[i]) ? Kind.Quote : Kind.Text;

        var hasQuote = MarkAttributions(lines, kinds);
        var (cut, cutIsSignature) = FindCut(lines, kinds);
        hasQuote |= cut < lines.Count && !cutIsSignature;
        var hasSignature = cutIsSignature;

        // Whether the kept lines are the first lines of the text as they are (nothing removed or trimmed on the way).
        var verbatim = true;
        // The kept lines as (start, length) in the text; an empty one stands for a paragraph break (after a quoted line,
        // so there are never more entries than lines before the cut).
        var kept = new List<(int Start, int Length)>(cut);
        for (var i = 0; i < cut; i++)
        {
            if (kinds[i] == Kind.Text)
            {
                var length = lines[i].TrimEnd().Length;
                verbatim &= length == lines[i].Length;
                kept.Add((lines.Start(i), length));
                continue;
            }
            hasQuote = true;
            verbatim = false;
            // A removed quote leaves a paragraph break, so interleaved answers stay apart.
            if (kept.Count > 0 && kept[^1].Length > 0) kept.Add((0, 0));
        }

        // Mobile footers close the writer's text: take them off its end only.
        while (true)
        {
            while (kept.Count > 0 && kept[^1].Length == 0) kept.RemoveAt(kept.Count - 1);
            if (kept.Count == 0 || !QuotePatterns.IsMobileFooter(QuotePatterns.Probe(normalized.AsSpan(kept[^1].Start, kept[^1].Length)))) break;
            kept.RemoveAt(kept.Count - 1);
            hasSignature = true;
            verbatim = false;
        }
        return new ExtractedReply(verbatim ? AsJoined(normalized, kept) ?? Join(normalized, kept) : Join(normalized, kept), hasQuote, hasSignature);
    }

    /// <summary>The lines of a text split at LF, as <c>Split('\n')</c> gives them, without copying them.</summary>
    private sealed class TextLines
    {
        private readonly string text;

        // Where line i starts; one more entry, one past the end of the text, closes the last line.
        private readonly int[] starts;

        public TextLines(string text)
        {
            this.text = text;
            var count = text.AsSpan().Count('\n') + 1;
            starts = new int[count + 1];
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                starts[i] = at;
                var next = text.IndexOf('\n', at);
                at = next < 0 ? text.Length + 1 : next + 1;
            }
            starts[count] = text.Length + 1;
        }

        public int Count => starts.Length - 1;

        public ReadOnlySpan<char> this[int i] => text.AsSpan(starts[i], starts[i + 1] - starts[i] - 1);

        public int Start(int i) => starts[i];
    }

    /// <summary>
    /// <see cref="Join"/> of the text's own first lines without building it: the start of the text itself when the
    /// lines need no blank runs folded and no blank start dropped (most messages that quote nothing); null otherwise.
    /// </summary>
    private static string? AsJoined(string normalized, List<(int Start, int Length)> kept)
    {
        if (kept.Count == 0) return "";
        var length = kept.Count - 1;
        for (var i = 0; i < kept.Count; i++)
        {
            if (kept[i].Length == 0 && (i == 0 || kept[i - 1].Length == 0)) return null;
            length += kept[i].Length;
        }
        return length == normalized.Length ? normalized : normalized[..length];
    }

    private static bool IsQuoted(ReadOnlySpan<char> line)
    {
        // RFC 3676 §4.5: quoted lines start with ">"; some clients indent them by a space or two.
        var t = line.TrimStart(' ');
        return (t.Length > 0 && t[0] == '>' && line.Length - t.Length <= 3) || line.Trim().SequenceEqual(QuotePatterns.Marker);
    }

    /// <summary>Marks the attribution line(s) directly above each quoted block.</summary>
    private static bool MarkAttributions(TextLines lines, Kind[] kinds)
    {
        var found = false;
        for (var q = 1; q < lines.Count; q++)
        {
            if (kinds[q] != Kind.Quote || kinds[q - 1] == Kind.Quote) continue;
            var j = q - 1;
            while (j >= 0 && kinds[j] == Kind.Text && lines[j].Trim().Length == 0) j--;
            if (j < 0 || kinds[j] != Kind.Text) continue;
            var start = AttributionStart(lines, kinds, j, loose: true);
            if (start < 0) continue;
            for (var k = start; k <= j; k++) kinds[k] = Kind.Attribution;
            found = true;
        }
        return found;
    }

    /// <summary>The first line of an attribution that ends on line <paramref name="end"/>, or -1.</summary>
    private static int AttributionStart(TextLines lines, Kind[] kinds, int end, bool loose)
    {
        var last = QuotePatterns.Probe(lines[end]);
        if (!QuotePatterns.MayEndAttribution(last, loose)) return -1;
        var joined = last.ToString();
        for (var start = end; start > end - AttributionLines && start >= 0; start--)
        {
            if (start < end)
            {
                if (kinds[start] != Kind.Text || lines[start].Trim().Length == 0) break;
                joined = string.Concat(QuotePatterns.Probe(lines[start]), " ", joined);
            }
            if (joined.Length > QuotePatterns.MaxAttributionLength) break;
            if (QuotePatterns.IsMatch(QuotePatterns.Attribution(), joined)) return start;
            if (loose && start == end && QuotePatterns.IsMatch(QuotePatterns.LooseAttribution(), joined)) return start;
        }
        return -1;
    }

    /// <summary>
    /// Where the quoted rest of the message begins (everything from there on goes): a signature
    /// separator, Outlook's header block, an original or forwarded message separator, or an
    /// attribution with the quote below it not marked by "&gt;". The length of the text when none.
    /// </summary>
    private static (int Cut, bool IsSignature) FindCut(TextLines lines, Kind[] kinds)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (kinds[i] != Kind.Text) continue;
            var probe = QuotePatterns.Probe(lines[i]);
            if (probe.Length == 0) continue;
            if (probe.StartsWith("--", StringComparison.Ordinal)
                && QuotePatterns.IsMatch(QuotePatterns.SignatureDelimiter(), lines[i].Trim("\u200E\u200F"))) return (i, true);
            if (QuotePatterns.MayBeOriginalMessage(probe) && QuotePatterns.IsMatch(QuotePatterns.OriginalMessage(), probe)) return (i, false);
            if (probe[0] == '_' && QuotePatterns.IsMatch(QuotePatterns.UnderscoreLine(), probe) && StartsHeaderBlock(lines, kinds, NextNonBlank(lines, i + 1))) return (i, false);
            if (StartsHeaderBlock(lines, kinds, i)) return (i, false);
            if (probe.Length <= QuotePatterns.MaxAttributionLength && QuotePatterns.HasDigitOrAt(probe))
            {
                // An attribution whose quote is not marked with ">" (some mobile and web clients):
                // everything after it is the quoted message.
                for (var end = i; end < Math.Min(lines.Count, i + AttributionLines); end++)
                {
                    if (kinds[end] != Kind.Text) break;
                    if (AttributionStart(lines, kinds, end, loose: false) == i) return (i, false);
                }
            }
        }
        return (lines.Count, false);
    }

    private static bool StartsHeaderBlock(TextLines lines, Kind[] kinds, int i)
    {
        if (i < 0 || i >= lines.Count || kinds[i] != Kind.Text || !QuotePatterns.HasColon(lines[i])) return false;
        if (!QuotePatterns.IsMatch(QuotePatterns.HeaderFrom(), QuotePatterns.Probe(lines[i]))) return false;
        for (var k = i + 1; k < Math.Min(lines.Count, i + 1 + HeaderBlockReach); k++)
        {
            if (QuotePatterns.HasColon(lines[k]) && QuotePatterns.IsMatch(QuotePatterns.HeaderSent(), QuotePatterns.Probe(lines[k]))) return true;
        }
        return false;
    }

    private static int NextNonBlank(TextLines lines, int from)
    {
        for (var i = from; i < lines.Count; i++)
        {
            if (lines[i].Trim().Length > 0) return i;
        }
        return -1;
    }

    private static string Join(string text, List<(int Start, int Length)> lines)
    {
        var sb = new StringBuilder();
        var blank = false;
        foreach (var (start, length) in lines)
        {
            var line = text.AsSpan(start, length);
            if (line.Length == 0)
            {
                blank = sb.Length > 0;
                continue;
            }
            if (blank) sb.Append('\n');
            blank = false;
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(line);
        }
        return sb.ToString();
    }
}
