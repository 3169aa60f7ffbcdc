using System.Text;

namespace TicketWorker.Mail.Mime;

/// <summary>Message-ID, In-Reply-To and References (RFC 5322 §3.6.4), garbage-tolerant.</summary>
public static class MessageIdParser
{
    /// <summary>The ids without angle brackets, in order, duplicates removed; never throws.</summary>
    public static IReadOnlyList<string> ParseList(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        var text = ParameterParser.StripComments(value);
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string id)
        {
            id = id.Trim(',', ';', ' ');
            if (id.Length > 0 && seen.Add(id)) ids.Add(id);
        }

        var outside = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '<')
            {
                // Scan only up to the next '>' or '<', so every character is looked at a bounded
                // number of times (a hostile "<<<<…" header stays linear).
                var end = i + 1;
                while (end < text.Length && text[end] is not ('>' or '<')) end++;
                if (end < text.Length && text[end] == '>')
                {
                    // RFC 5322 §3.6.4 ids hold no blanks; folding inside an id is removed.
                    Add(RemoveBlanks(text[(i + 1)..end]));
                    i = end + 1;
                    continue;
                }
                // "<abc@x <def@y>": an unclosed id ends at the next '<', or at a blank after its '@'.
                var stop = end;
                var blank = text.AsSpan(i + 1, stop - i - 1).IndexOfAny(" \t\r\n");
                if (blank >= 0 && text.AsSpan(i + 1, blank).Contains('@')) stop = i + 1 + blank;
                Add(RemoveBlanks(text[(i + 1)..stop]));
                i = stop;
                continue;
            }
            outside.Append(c);
            i++;
        }

        // Bare ids outside brackets ("References: abc@x def@y"), but not the words of
        // "In-Reply-To: Your message of Monday": only words that look like ids count.
        var words = outside.ToString().Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries);
        var bare = words.Where(w => w.Contains('@') && w.IndexOf('@') > 0 && w.IndexOf('@') < w.Length - 1).ToList();
        // Only when nothing is bracketed: "<id@x> from joe@y" must not make joe@y an id.
        if (ids.Count == 0) foreach (var w in bare) Add(w.Trim('"', '\'', '.', '<', '>'));
        if (ids.Count == 0 && words.Length == 1 && words[0].Length <= 250)
        {
            Add(words[0]); // a lone token without '@': the best id the sender gave
        }
        return ids;
    }

    /// <summary>The first id, or null.</summary>
    public static string? ParseOne(string? value) => ParseList(value) is [var first, ..] ? first : null;

    private static string RemoveBlanks(string s) =>
        s.Any(char.IsWhiteSpace) ? new string(s.Where(c => !char.IsWhiteSpace(c)).ToArray()) : s;
}
