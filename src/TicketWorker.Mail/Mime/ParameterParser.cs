using System.Globalization;
using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>
/// The "value; name=value; …" syntax shared by Content-Type and Content-Disposition (RFC 2045 §5.1),
/// with RFC 2231 continuations, charsets and languages, parsed leniently and never throwing.
/// </summary>
internal static class ParameterParser
{
    /// <summary>Splits a header value into its leading token (comments removed) and its parameters.</summary>
    public static (string Token, Dictionary<string, string> Parameters) Parse(string value)
    {
        var scanner = new Scanner(StripComments(value));
        var token = scanner.ReadLeadingToken();
        var raw = new List<(string Name, string Value, bool Quoted)>();
        while (scanner.TryReadParameter(out var name, out var paramValue, out var quoted))
        {
            raw.Add((name, paramValue, quoted));
        }
        return (token, Combine(raw));
    }

    /// <summary>Formats one parameter for writing: token, quoted string, or RFC 2231 UTF-8 with continuations.</summary>
    public static string Format(string name, string value)
    {
        if (value.All(c => c is >= ' ' and <= '~'))
        {
            if (value.Length > 0 && value.All(IsTokenChar)) return $"{name}={value}";
            var quoted = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            if (quoted.Length + name.Length < 70) return $"{name}=\"{quoted}\"";
        }

        // RFC 2231 §3-4: percent-encoded UTF-8, split into sections that fit a folded line.
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b < 0x80 && IsAttributeChar((char)b)) encoded.Append((char)b);
            else encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        var text = "utf-8''" + encoded;
        if (text.Length + name.Length < 70) return $"{name}*={text}";

        var sections = new List<string>();
        var start = 0;
        const int sectionLength = 60;
        while (start < text.Length)
        {
            var end = Math.Min(text.Length, start + sectionLength);
            // Never cut a %XX escape in half.
            if (end < text.Length && text[end - 1] == '%') end -= 1;
            else if (end < text.Length && end >= 2 && text[end - 2] == '%') end -= 2;
            sections.Add($"{name}*{sections.Count}*={text[start..end]}");
            start = end;
        }
        return string.Join("; ", sections);
    }

    private static Dictionary<string, string> Combine(List<(string Name, string Value, bool Quoted)> raw)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sections = new Dictionary<string, SortedDictionary<int, (string Value, bool Encoded)>>(StringComparer.OrdinalIgnoreCase);
        var extended = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var (name, value, quoted) in raw)
        {
            var star = name.IndexOf('*');
            if (star < 0)
            {
                // Duplicates: the first non-empty one counts.
                if (!result.TryGetValue(name, out var existing) || existing.Length == 0) result[name] = quoted && !name.Equals("boundary", StringComparison.OrdinalIgnoreCase) ? Rfc2047.DecodeText(value) : value;
                continue;
            }

            var baseName = name[..star];
            var rest = name[(star + 1)..];
            var encoded = rest.EndsWith('*') || rest.Length == 0;
            var indexText = rest.TrimEnd('*');
            var index = 0;
            if (indexText.Length > 0 && !int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out index)) continue;
            if (!sections.TryGetValue(baseName, out var parts)) sections[baseName] = parts = new SortedDictionary<int, (string, bool)>();
            parts.TryAdd(index, (value, encoded)); // quoted extended values are broken but common: decoded too
            extended.Add(baseName);
        }

        foreach (var name in extended)
        {
            var value = Assemble(sections[name]);
            // RFC 2231 values win over a plain duplicate (senders add the plain one for old readers).
            if (value is not null) result[name] = value;
        }
        return result;
    }

    // RFC 2231 §4.1: only the first section carries charset'language'; sections concatenate as bytes.
    private static string? Assemble(SortedDictionary<int, (string Value, bool Encoded)> parts)
    {
        string? charset = null;
        var bytes = new List<byte>();
        var expected = parts.Keys.First();
        foreach (var (index, (value, encoded)) in parts)
        {
            if (index != expected) break; // a gap: what follows is unreliable
            expected++;
            var text = value;
            if (encoded && index == parts.Keys.First())
            {
                var q1 = text.IndexOf('\'');
                var q2 = q1 >= 0 ? text.IndexOf('\'', q1 + 1) : -1;
                if (q2 > q1)
                {
                    charset = text[..q1];
                    text = text[(q2 + 1)..];
                }
            }
            if (encoded) PercentDecode(text, bytes);
            else bytes.AddRange(Encoding.UTF8.GetBytes(text));
        }
        var result = Charsets.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), charset);
        // Some senders put RFC 2047 words inside RFC 2231 sections; decode those too.
        return result.Contains("=?", StringComparison.Ordinal) ? Rfc2047.DecodeText(result) : result;
    }

    private static void PercentDecode(string text, List<byte> output)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                output.Add((byte)((Uri.FromHex(text[i + 1]) << 4) | Uri.FromHex(text[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                output.Add((byte)c);
            }
            else
            {
                output.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
    }

    /// <summary>Removes RFC 5322 comments outside quoted strings.</summary>
    internal static string StripComments(string value)
    {
        if (!value.Contains('(')) return value;
        var sb = new StringBuilder(value.Length);
        int depth = 0;
        var inQuotes = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < value.Length) sb.Append(value[++i]);
                else if (c == '"') inQuotes = false;
            }
            else if (depth > 0)
            {
                if (c == '\\') i++;
                else if (c == '(') depth++;
                else if (c == ')') depth--;
            }
            else if (c == '"') { inQuotes = true; sb.Append(c); }
            else if (c == '(') depth++;
            else sb.Append(c);
        }
        return sb.ToString();
    }

    // RFC 2045 §5.1 token characters.
    internal static bool IsTokenChar(char c) =>
        c is > ' ' and <= '~' and not ('(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=');

    // RFC 2231 §7 attribute-char: a token char other than '*', '\'' and '%'.
    private static bool IsAttributeChar(char c) => IsTokenChar(c) && c is not ('*' or '\'' or '%');

    private sealed class Scanner(string text)
    {
        private int _pos;

        public string ReadLeadingToken()
        {
            SkipBlanks();
            var start = _pos;
            var inQuotes = false;
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '"') inQuotes = !inQuotes;
                else if (!inQuotes && (c == ';' || char.IsWhiteSpace(c))) break;
                else if (!inQuotes && c == '=')
                {
                    // No leading token at all ("filename=x"): let the parameter reader see it.
                    _pos = start;
                    return "";
                }
                _pos++;
            }
            return text[start.._pos].Trim('"').Trim();
        }

        public bool TryReadParameter(out string name, out string value, out bool quoted)
        {
            name = value = "";
            quoted = false;
            while (true)
            {
                while (_pos < text.Length && (text[_pos] == ';' || char.IsWhiteSpace(text[_pos]))) _pos++;
                if (_pos >= text.Length) return false;

                var start = _pos;
                while (_pos < text.Length && text[_pos] != '=' && text[_pos] != ';' && !char.IsWhiteSpace(text[_pos])) _pos++;
                name = text[start.._pos].Trim('"');
                SkipBlanks();
                if (_pos >= text.Length || text[_pos] != '=')
                {
                    // A stray word without '=': skip it and look for the next parameter.
                    continue;
                }
                _pos++; // '='
                SkipBlanks();
                if (_pos < text.Length && text[_pos] == '"')
                {
                    value = ReadQuoted();
                    quoted = true;
                }
                else
                {
                    value = ReadUnquoted();
                }
                if (name.Length > 0) return true;
            }
        }

        private string ReadQuoted()
        {
            _pos++; // opening quote
            var sb = new StringBuilder();
            while (_pos < text.Length)
            {
                var c = text[_pos++];
                if (c == '"') break;
                // Backslash escapes (RFC 5322 §3.2.4), except in Windows paths where senders forget
                // to escape: keep the backslash when it does not precede '"' or '\'.
                if (c == '\\' && _pos < text.Length && text[_pos] is '"' or '\\') c = text[_pos++];
                sb.Append(c);
            }
            return sb.ToString();
        }

        // Unquoted values end at ';' or at a blank that is followed by another "name=" (a missing
        // semicolon); blanks inside (an unquoted file name with spaces) are kept.
        private string ReadUnquoted()
        {
            var start = _pos;
            while (_pos < text.Length && text[_pos] != ';')
            {
                if (char.IsWhiteSpace(text[_pos]))
                {
                    if (NextIsParameter(_pos)) break;
                    // Skip the whole blank run: checking at each blank would be quadratic.
                    while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
                    continue;
                }
                _pos++;
            }
            return text[start.._pos].Trim();
        }

        private bool NextIsParameter(int from)
        {
            var i = from;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var nameStart = i;
            while (i < text.Length && (IsTokenChar(text[i]) || text[i] == '*')) i++;
            if (i == nameStart) return i >= text.Length;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            return i < text.Length && text[i] == '=';
        }

        private void SkipBlanks()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }
    }
}
