namespace TicketWorker.Mail.Reading;

/// <summary>
/// Looks at the top header block before MimeKit does and says how to feed it: MimeKit refuses a
/// message whose first line is blank or not a field, and ends the header block at a line that lost
/// its indentation. Real mail has both (mbox "From " lines, junk from broken exports, clients that
/// wrap without indenting), and the fields after such a line carry the sender and the subject.
/// </summary>
internal static class HeaderBlockRepair
{
    public enum Verdict
    {
        /// <summary>The header block is fine: parse the input as it is.</summary>
        Fine,
        /// <summary>Parse <see cref="Result.Header"/> followed by the input from <see cref="Result.RestOffset"/>.</summary>
        Repaired,
        /// <summary>No field at all: the input is one plain-text body without headers.</summary>
        Headerless,
        /// <summary>Empty, or binary without a field: not mail.</summary>
        NotMail,
    }

    public readonly record struct Result(Verdict Verdict, byte[] Header, long RestOffset, string? Reason);

    /// <summary>Judges the start of a message (the first bytes of the input, up to the header limit).</summary>
    public static Result Inspect(ReadOnlySpan<byte> start, bool wholeInput)
    {
        if (start.IsEmpty) return new Result(Verdict.NotMail, [], 0, "the input is empty: not a message");

        var lines = Lines(start, wholeInput);
        var first = 0;
        while (first < lines.Count && IsBlank(start, lines[first])) first++;
        var end = first;
        while (end < lines.Count && !IsBlank(start, lines[end])) end++;

        var firstField = -1;
        for (var i = first; i < end && firstField < 0; i++)
            if (IsField(Trimmed(start, lines[i]))) firstField = i;
        if (firstField < 0)
        {
            return start.Contains((byte)0)
                ? new Result(Verdict.NotMail, [], 0, "the input has no header fields and is binary: not a message")
                : new Result(Verdict.Headerless, [], 0, null);
        }

        var changed = firstField > 0 || IsWhitespace(start[lines[firstField].Start]);
        for (var i = firstField + 1; i < end && !changed; i++)
            changed = !IsWhitespace(start[lines[i].Start]) && !IsField(start[lines[i].Start..lines[i].End]);
        if (!changed) return new Result(Verdict.Fine, [], 0, null);

        // RFC 5322 §2.2.3: a continuation line starts with whitespace; a line that lost it is
        // joined to the field before it rather than ending the header block.
        using var fixedHeader = new MemoryStream();
        for (var i = firstField; i < end; i++)
        {
            var line = start[lines[i].Start..lines[i].End];
            if (i == firstField) line = Trimmed(start, lines[i]);
            else if (!IsWhitespace(line[0]) && !IsField(line)) fixedHeader.WriteByte((byte)' ');
            fixedHeader.Write(line);
        }
        var restOffset = end < lines.Count ? lines[end].Start : lines[^1].End;
        return new Result(Verdict.Repaired, fixedHeader.ToArray(), restOffset, null);
    }

    /// <summary>
    /// Line ranges including their line end, up to and including the blank line that ends the header
    /// block (the body is not split: it is most of the message); an unfinished last line counts only when the input ends there.
    /// </summary>
    private static List<Range> Lines(ReadOnlySpan<byte> data, bool wholeInput)
    {
        var lines = new List<Range>();
        var pos = 0;
        var inBlock = false;
        while (pos < data.Length)
        {
            var lf = data[pos..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (wholeInput) lines.Add(new Range(pos, data.Length));
                break;
            }
            var line = new Range(pos, pos + lf + 1);
            lines.Add(line);
            pos += lf + 1;
            if (!IsBlank(data, line)) inBlock = true;
            else if (inBlock) break;
        }
        return lines;
    }

    private readonly record struct Range(int Start, int End);

    private static bool IsBlank(ReadOnlySpan<byte> data, Range line)
    {
        foreach (var b in data[line.Start..line.End])
            if (b is not ((byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    private static ReadOnlySpan<byte> Trimmed(ReadOnlySpan<byte> data, Range line) =>
        data[line.Start..line.End].TrimStart(" \t"u8);

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>RFC 5322 §2.2: a field name is printable US-ASCII except the colon; whitespace before the colon is tolerated.</summary>
    private static bool IsField(ReadOnlySpan<byte> line)
    {
        var i = 0;
        while (i < line.Length && line[i] is > 32 and < 127 and not (byte)':') i++;
        if (i == 0) return false;
        while (i < line.Length && IsWhitespace(line[i])) i++;
        return i < line.Length && line[i] == ':';
    }
}
