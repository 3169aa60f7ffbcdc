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
        var lines = normalized.Split('\n');
        var kinds = new Kind[lines.Length];
        for (var i = 0; i < lines.Length; i++) kinds[i] = IsQuoted(lines[i]) ? Kind.Quote : Kind.Text;

        var hasQuote = MarkAttributions(lines, kinds);
        var (cut, cutIsSignature) = FindCut(lines, kinds);
        hasQuote |= cut < lines.Length && !cutIsSignature;
        var hasSignature = cutIsSignature;

        // Whether the kept lines are the first lines of the text as they are (nothing removed or trimmed on the way).
        var verbatim = true;
        var kept = new List<string>();
        for (var i = 0; i < cut; i++)
        {
            if (kinds[i] == Kind.Text)
            {
                var line = lines[i].TrimEnd();
                verbatim &= ReferenceEquals(line, lines[i]);
                kept.Add(line);
                continue;
            }
            hasQuote = true;
            verbatim = false;
            // A removed quote leaves a paragraph break, so interleaved answers stay apart.
            if (kept.Count > 0 && kept[^1].Length > 0) kept.Add("");
        }

        // Mobile footers close the writer's text: take them off its end only.
        while (true)
        {
            while (kept.Count > 0 && kept[^1].Length == 0) kept.RemoveAt(kept.Count - 1);
            if (kept.Count == 0 || !QuotePatterns.IsMatch(QuotePatterns.MobileFooter(), QuotePatterns.Probe(kept[^1]))) break;
            kept.RemoveAt(kept.Count - 1);
            hasSignature = true;
            verbatim = false;
        }
        return new ExtractedReply(verbatim ? AsJoined(normalized, kept) ?? Join(kept) : Join(kept), hasQuote, hasSignature);
    }

    /// <summary>
    /// <see cref="Join"/> of the text's own first lines without building it: the start of the text itself when the
    /// lines need no blank runs folded and no blank start dropped (most messages that quote nothing); null otherwise.
    /// </summary>
    private static string? AsJoined(string normalized, List<string> kept)
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

    private static bool IsQuoted(string line)
    {
        // RFC 3676 §4.5: quoted lines start with ">"; some clients indent them by a space or two.
        var t = line.AsSpan().TrimStart(' ');
        return (t.Length > 0 && t[0] == '>' && line.Length - t.Length <= 3) || line.Trim() == QuotePatterns.Marker;
    }

    /// <summary>Marks the attribution line(s) directly above each quoted block.</summary>
    private static bool MarkAttributions(string[] lines, Kind[] kinds)
    {
        var found = false;
        for (var q = 1; q < lines.Length; q++)
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
    private static int AttributionStart(string[] lines, Kind[] kinds, int end, bool loose)
    {
        var joined = QuotePatterns.Probe(lines[end]);
        if (!QuotePatterns.MayEndAttribution(joined, loose)) return -1;
        for (var start = end; start > end - AttributionLines && start >= 0; start--)
        {
            if (start < end)
            {
                if (kinds[start] != Kind.Text || lines[start].Trim().Length == 0) break;
                joined = QuotePatterns.Probe(lines[start]) + " " + joined;
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
    private static (int Cut, bool IsSignature) FindCut(string[] lines, Kind[] kinds)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (kinds[i] != Kind.Text) continue;
            var probe = QuotePatterns.Probe(lines[i]);
            if (probe.Length == 0) continue;
            if (probe.StartsWith("--", StringComparison.Ordinal)
                && QuotePatterns.IsMatch(QuotePatterns.SignatureDelimiter(), lines[i].Trim('\u200E', '\u200F'))) return (i, true);
            if (QuotePatterns.MayBeOriginalMessage(probe) && QuotePatterns.IsMatch(QuotePatterns.OriginalMessage(), probe)) return (i, false);
            if (probe[0] == '_' && QuotePatterns.IsMatch(QuotePatterns.UnderscoreLine(), probe) && StartsHeaderBlock(lines, kinds, NextNonBlank(lines, i + 1))) return (i, false);
            if (StartsHeaderBlock(lines, kinds, i)) return (i, false);
            if (probe.Length <= QuotePatterns.MaxAttributionLength && QuotePatterns.HasDigitOrAt(probe))
            {
                // An attribution whose quote is not marked with ">" (some mobile and web clients):
                // everything after it is the quoted message.
                for (var end = i; end < Math.Min(lines.Length, i + AttributionLines); end++)
                {
                    if (kinds[end] != Kind.Text) break;
                    if (AttributionStart(lines, kinds, end, loose: false) == i) return (i, false);
                }
            }
        }
        return (lines.Length, false);
    }

    private static bool StartsHeaderBlock(string[] lines, Kind[] kinds, int i)
    {
        if (i < 0 || i >= lines.Length || kinds[i] != Kind.Text || !QuotePatterns.HasColon(lines[i])) return false;
        if (!QuotePatterns.IsMatch(QuotePatterns.HeaderFrom(), QuotePatterns.Probe(lines[i]))) return false;
        for (var k = i + 1; k < Math.Min(lines.Length, i + 1 + HeaderBlockReach); k++)
        {
            if (QuotePatterns.HasColon(lines[k]) && QuotePatterns.IsMatch(QuotePatterns.HeaderSent(), QuotePatterns.Probe(lines[k]))) return true;
        }
        return false;
    }

    private static int NextNonBlank(string[] lines, int from)
    {
        for (var i = from; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length > 0) return i;
        }
        return -1;
    }

    private static string Join(List<string> lines)
    {
        var sb = new StringBuilder();
        var blank = false;
        foreach (var line in lines)
        {
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
