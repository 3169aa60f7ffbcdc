using System.Globalization;
using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>RFC 5322 §3.4 address lists, leniently: groups flattened, comments, missing angle brackets.</summary>
public static class AddressParser
{
    private static readonly IdnMapping Idn = new();

    /// <summary>Every mailbox in the (raw, undecoded) header value; never throws.</summary>
    public static IReadOnlyList<MailboxAddress> ParseList(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        var result = new List<MailboxAddress>();
        var items = SplitItems(value, out var sawGroup);
        string? carriedName = null;
        for (var i = 0; i < items.Count; i++)
        {
            var text = carriedName is null ? items[i] : carriedName + ", " + items[i];
            carriedName = null;
            // "Doe, John <john@example.com>": an unquoted comma split the display name.
            if (!text.Contains('@') && !text.Contains('<') && i + 1 < items.Count && items[i + 1].Contains('<')
                && !items[i + 1].TrimStart().StartsWith('<'))
            {
                carriedName = text;
                continue;
            }
            if (ParseMailbox(text, commentNames: !sawGroup) is { } mailbox) result.Add(mailbox);
        }
        return result;
    }

    /// <summary>The first mailbox of the value, or null.</summary>
    public static MailboxAddress? ParseOne(string? value) => ParseList(value) is [var first, ..] ? first : null;

    /// <summary>Formats a mailbox for writing: the display name as an RFC 2047 phrase when needed.</summary>
    public static string Format(MailboxAddress mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var address = EncodeAddress(mailbox.Address);
        return string.IsNullOrWhiteSpace(mailbox.Name) ? address : $"{Rfc2047.EncodePhrase(mailbox.Name)} <{address}>";
    }

    /// <summary>Formats a list of mailboxes for an address header ("a, B &lt;b@x&gt;").</summary>
    public static string FormatList(IEnumerable<MailboxAddress> mailboxes)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        return string.Join(", ", mailboxes.Select(Format));
    }

    // A Unicode domain is written as punycode so that ASCII-only servers accept it (RFC 5890).
    private static string EncodeAddress(string address)
    {
        var at = address.LastIndexOf('@');
        if (at < 0 || address.AsSpan(at + 1).ContainsAnyExceptInRange('\0', '\x7f') is false) return address;
        try
        {
            return address[..(at + 1)] + Idn.GetAscii(address[(at + 1)..]);
        }
        catch (ArgumentException)
        {
            return address;
        }
    }

    // Top-level ',' and ';' separate items; "name:" before a group's members is dropped.
    private static List<string> SplitItems(string value, out bool sawGroup)
    {
        sawGroup = false;
        var unterminatedFrom = int.MaxValue;
        var items = new List<string>();
        var sb = new StringBuilder();
        var inQuotes = false;
        var inAngle = false;
        var depth = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < value.Length) sb.Append(value[++i]);
                else if (c == '"') inQuotes = false;
                continue;
            }
            if (depth > 0)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < value.Length) sb.Append(value[++i]);
                else if (c == '(') depth++;
                else if (c == ')') depth--;
                continue;
            }
            switch (c)
            {
                case '"':
                    // An unterminated quote is a stray character; once one is found, later quotes are
                    // stray too (rescanning to the end for each would be quadratic).
                    inQuotes = i < unterminatedFrom && FindQuoteEnd(value, i) >= 0;
                    if (!inQuotes) unterminatedFrom = Math.Min(unterminatedFrom, i);
                    sb.Append(c);
                    break;
                case '(': depth++; sb.Append(c); break;
                case '<': inAngle = true; sb.Append(c); break;
                case '>': inAngle = false; sb.Append(c); break;
                case ',' or ';' when !inAngle:
                    items.Add(sb.ToString());
                    sb.Clear();
                    break;
                // Group names are short; the length check also keeps hostile input linear.
                case ':' when !inAngle && sb.Length <= 256 && IsGroupName(sb.ToString()):
                    sb.Clear(); // RFC 5322 §3.4 group: "display-name:" is not a mailbox
                    sawGroup = true;
                    break;
                default: sb.Append(c); break;
            }
        }
        items.Add(sb.ToString());
        return items.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
    }

    // A ':' ends a group name unless it sits inside an address or an encoded word
    // ("=?utf-8?Q?Re:_x?=" from lax encoders).
    private static bool IsGroupName(string text)
    {
        if (text.Contains('@') || text.Contains('<')) return false;
        var open = text.LastIndexOf("=?", StringComparison.Ordinal);
        return open < 0 || text.IndexOf("?=", open + 2, StringComparison.Ordinal) >= 0;
    }

    // commentNames: a lone comment is a name ("From: (mailbox in US-ASCII)"), except inside a
    // group, where it only annotates the (empty) member list.
    private static MailboxAddress? ParseMailbox(string item, bool commentNames)
    {
        var words = Tokenize(item, out var angle, out var comments);
        string? address;
        var nameWords = new List<string>();
        if (angle is not null)
        {
            address = angle;
            nameWords.AddRange(words);
        }
        else
        {
            // No angle brackets: the last word with '@' is the address, the others the name
            // ("John Doe john@example.com", "\"John\" john@example.com").
            var index = words.FindLastIndex(w => w.LastIndexOf('@') > w.LastIndexOf('"'));
            if (index < 0)
            {
                // No address at all ("From: Whomever"): keep the name with an empty address, as
                // other readers do, so the sender is not lost.
                var only = CollapseBlanks(Rfc2047.DecodePhrase(string.Join(" ", words.Count > 0 ? words : commentNames ? comments : [])));
                return only.Length == 0 ? null : new MailboxAddress(only, "");
            }
            address = words[index];
            nameWords.AddRange(words.Where((_, i) => i != index));
        }

        address = CleanAddress(address);

        var rawName = string.Join(" ", nameWords);
        // Old style "john@example.com (John Doe)": the comment is the name. Comments beside a
        // display name ("A1 (The Enforcer) Gore") are kept after it, as other readers show them.
        if (rawName.Trim().Length == 0 && comments.Count > 0) rawName = string.Join(" ", comments);
        else if (comments.Count > 0) rawName += " " + string.Join(" ", comments.Select(c => "(" + Rfc2047.DecodeText(c) + ")"));
        string? name = CollapseBlanks(Rfc2047.DecodePhrase(rawName));
        if (name.Length == 0) name = null;
        // "MAILER-DAEMON <>": the null reverse-path; keep the name, drop a mailbox with neither.
        if (address.Length == 0 && name is null) return null;
        return new MailboxAddress(name, address);
    }

    // Splits a mailbox into words: quoted strings (kept with their quotes), atoms, the content of
    // the first <...>, and comments (returned separately, with RFC 2047 words decoded later).
    private static List<string> Tokenize(string item, out string? angle, out List<string> comments)
    {
        var words = new List<string>();
        comments = [];
        angle = null;
        var unterminatedFrom = int.MaxValue;
        var sb = new StringBuilder();
        void EndWord()
        {
            if (sb.Length > 0) words.Add(sb.ToString());
            sb.Clear();
        }

        for (var i = 0; i < item.Length; i++)
        {
            var c = item[i];
            if (c == '"')
            {
                var end = i < unterminatedFrom ? FindQuoteEnd(item, i) : -1;
                if (end < 0)
                {
                    unterminatedFrom = Math.Min(unterminatedFrom, i);
                    continue; // an unterminated quote is a stray character
                }
                var quoted = item[i..Math.Min(end + 1, item.Length)];
                // "john doe"@example.com: a quoted local part glued to its domain stays one word.
                if (sb.Length > 0 || (end + 1 < item.Length && item[end + 1] == '@')) sb.Append(quoted);
                else { EndWord(); words.Add(quoted.EndsWith('"') && quoted.Length > 1 ? quoted : quoted + "\""); }
                i = end;
            }
            else if (c == '(')
            {
                EndWord();
                var depth = 0;
                var start = i;
                for (; i < item.Length; i++)
                {
                    if (item[i] == '\\') { i++; continue; }
                    if (item[i] == '(') depth++;
                    else if (item[i] == ')' && --depth == 0) break;
                }
                var comment = item[(start + 1)..Math.Min(i, item.Length)];
                if (comment.Trim().Length > 0) comments.Add(comment.Trim());
            }
            else if (c == '<' && angle is null)
            {
                EndWord();
                var end = item.IndexOf('>', i + 1);
                angle = end < 0 ? item[(i + 1)..] : item[(i + 1)..end];
                i = end < 0 ? item.Length : end;
                // Anything after '>' is trailing garbage (or a comment, handled above when it comes).
            }
            else if (char.IsWhiteSpace(c))
            {
                EndWord();
            }
            else if (angle is null && c != '>')
            {
                sb.Append(c); // after the <address>, words are trailing garbage (comments still count)
            }
        }
        EndWord();
        return words;
    }

    private static int FindQuoteEnd(string s, int start)
    {
        for (var i = start + 1; i < s.Length; i++)
        {
            if (s[i] == '\\') i++;
            else if (s[i] == '"') return i;
        }
        return -1;
    }

    private static string CleanAddress(string address)
    {
        var s = ParameterParser.StripComments(address);
        // RFC 5322 §4.4 obsolete route: <@relay1,@relay2:user@example.com>.
        var colon = s.IndexOf(':');
        if (s.StartsWith('@') && colon > 0) s = s[(colon + 1)..];
        if (s.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) s = s[7..];
        s = RemoveBlanksOutsideQuotes(s).Trim('\'', ',', ';', '<', '>', '.');
        if (s.StartsWith('"') && s.EndsWith('"') && s.Length > 1 && !s[1..^1].Contains('"')) s = s[1..^1];

        var at = s.LastIndexOf('@');
        if (at <= 0) return at == 0 ? "" : s;
        var domain = s[(at + 1)..];
        if (domain.Contains("xn--", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                domain = Idn.GetUnicode(domain);
            }
            catch (ArgumentException)
            {
                // Broken punycode: keep the domain as written.
            }
        }
        return s[..(at + 1)] + domain;
    }

    private static string RemoveBlanksOutsideQuotes(string s)
    {
        var sb = new StringBuilder(s.Length);
        var inQuotes = false;
        foreach (var c in s)
        {
            if (c == '"') inQuotes = !inQuotes;
            if (inQuotes || !char.IsWhiteSpace(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    private static string CollapseBlanks(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString().Trim();
    }
}
