using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// The second chance for a message whose multipart structure MimeKit could not see: a part header
/// wrapped without indentation ("Content-Type: multipart/alternative;" then "boundary=…" on a line
/// of its own) or a boundary line with junk after the boundary. Both are common in bounces and
/// old mailers; RFC 2046 §5.1.1 only asks that the boundary appear in its entirety at the start of
/// the line. The input is copied once, line by line, with those lines fixed; only when MimeKit's
/// tree shows the symptom (a multipart without parts), so ordinary mail never pays for it.
/// </summary>
internal static partial class StructureRepair
{
    /// <summary>Whether a multipart of the tree (embedded messages included) came out without parts.</summary>
    public static bool IsNeeded(MimeEntity? entity) => entity switch
    {
        Multipart { Count: 0 } => true,
        Multipart multipart => multipart.Any(IsNeeded),
        MessagePart { Message.Body: var body } => IsNeeded(body),
        _ => false,
    };

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> with broken header wrapping and boundary lines fixed.</summary>
    public static async Task CopyFixedAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        var state = new State();
        var reader = new LineReader(input);
        byte[]? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
            await output.WriteAsync(Fix(line, state), cancellationToken).ConfigureAwait(false);
    }

    private sealed class State
    {
        /// <summary>Boundaries as declared, each with the plain token that replaces it in the copy.</summary>
        public List<(byte[] Declared, byte[] Plain)> Boundaries { get; } = [];
        public bool InHeader { get; set; } = true;
        public bool HasField { get; set; }
        public bool AfterDelimiter { get; set; }
    }

    private static byte[] Fix(byte[] line, State state)
    {
        var content = TrimEol(line);
        var eol = line.AsSpan(content.Length);
        if (content.Length > 2 && content[0] == '-' && content[1] == '-' && MatchBoundary(content[2..], state.Boundaries) is { } boundary)
        {
            var closing = content[(2 + boundary.Declared.Length)..].StartsWith("--"u8);
            // A delimiter right after a delimiter is an empty part: it gets its empty header block.
            var emptyPart = state.InHeader && !state.HasField && state.Boundaries.Count > 0 && state.AfterDelimiter;
            // After a delimiter (not the closing one) the next part's header block starts.
            state.InHeader = !closing;
            state.HasField = false;
            state.AfterDelimiter = true;
            return [.. (emptyPart ? "\r\n"u8 : []), .. "--"u8, .. boundary.Plain, .. (closing ? "--"u8 : []), .. (eol.IsEmpty ? "\r\n"u8 : eol)];
        }
        state.AfterDelimiter = false;
        if (!state.InHeader) return line;
        if (content.Length == 0)
        {
            state.InHeader = false;
            return line;
        }
        // RFC 5322 §2.2.3: a continuation that lost its indentation gets it back.
        var joined = !IsWhitespace(content[0]) && !IsField(content) && state.HasField;
        state.HasField = true;
        var text = Encoding.Latin1.GetString(line);
        var match = BoundaryParameter().Match(text);
        if (match.Success)
        {
            // A boundary MimeKit cannot use as declared (trailing space, over 70 characters, RFC
            // 2046 §5.1.1) is replaced, here and on its delimiter lines, by a plain token.
            var declared = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            var plain = $"tw-repaired-{state.Boundaries.Count}-{Guid.NewGuid():N}";
            state.Boundaries.Add((Encoding.Latin1.GetBytes(declared), Encoding.ASCII.GetBytes(plain)));
            text = text[..match.Index] + "boundary=\"" + plain + "\"" + text[(match.Index + match.Length)..];
            line = Encoding.Latin1.GetBytes(text);
        }
        return joined ? [(byte)' ', .. line] : line;
    }

    /// <summary>The declared boundary the line starts with (the longest, so one boundary that prefixes another is not mistaken).</summary>
    private static (byte[] Declared, byte[] Plain)? MatchBoundary(ReadOnlySpan<byte> afterDashes, List<(byte[] Declared, byte[] Plain)> boundaries)
    {
        (byte[] Declared, byte[] Plain)? best = null;
        foreach (var b in boundaries)
            if (b.Declared.Length > 0 && afterDashes.StartsWith(b.Declared) && (best is null || b.Declared.Length > best.Value.Declared.Length)) best = b;
        return best;
    }

    private static ReadOnlySpan<byte> TrimEol(byte[] line)
    {
        var span = line.AsSpan();
        while (span.Length > 0 && span[^1] is (byte)'\r' or (byte)'\n') span = span[..^1];
        return span;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    private static bool IsField(ReadOnlySpan<byte> line)
    {
        var i = 0;
        while (i < line.Length && line[i] is > 32 and < 127 and not (byte)':') i++;
        if (i == 0) return false;
        while (i < line.Length && IsWhitespace(line[i])) i++;
        return i < line.Length && line[i] == ':';
    }

    // The boundary parameter of a multipart's Content-Type: "quoted" or a token (RFC 2046 §5.1.1).
    [GeneratedRegex(@"\bboundary\s*=\s*(?:""([^""]*)""|([^;\s""]+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BoundaryParameter();

    /// <summary>Reads lines with their line ends, any length.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start, _end;
        private bool _eof;

        private readonly MemoryStream _pending = new();

        public async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var pending = _pending;
            pending.SetLength(0);
            while (true)
            {
                if (_start == _end)
                {
                    if (_eof) return pending.Length > 0 ? pending.ToArray() : null;
                    _start = 0;
                    _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                    if (_end == 0)
                    {
                        _eof = true;
                        continue;
                    }
                }
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (lf >= 0)
                {
                    pending.Write(_buffer, _start, lf + 1 - _start);
                    _start = lf + 1;
                    return pending.ToArray();
                }
                pending.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
        }
    }
}
