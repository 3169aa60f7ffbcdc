using System.Buffers;
using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>
/// The raw lines of one header block and their interpretation as fields (RFC 5322 §2.2): unfolding,
/// 8-bit bytes, and the leniency rules for lines that are not fields.
/// </summary>
internal sealed class HeaderBlock(int maxBytes) : IDisposable
{
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(4096);
    private int _count;
    private readonly List<int> _lineStarts = [];
    private byte[] _value = ArrayPool<byte>.Shared.Rent(1024);
    private int _valueCount;

    public void Clear()
    {
        _count = 0;
        _lineStarts.Clear();
    }

    public void StartLine() => _lineStarts.Add(_count);

    /// <summary>Appends bytes of the current line; false when the block would exceed the limit.</summary>
    public bool Append(ReadOnlySpan<byte> bytes)
    {
        if (_count + bytes.Length > maxBytes) return false;
        if (_lineStarts.Count == 0) _lineStarts.Add(_count);
        Grow(ref _bytes, _count, bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_count));
        _count += bytes.Length;
        return true;
    }

    public bool LooksBinary() => _bytes.AsSpan(0, _count).Contains((byte)0);

    /// <summary>
    /// Adds the fields to <paramref name="headers"/> and returns how many there were.
    /// Rules: a line that starts with whitespace continues the previous field (or, as the first
    /// line, is a field with a stray indent); "name:" starts a field; any other line is appended
    /// to the previous field as a badly wrapped continuation (keeping the fields after it), or
    /// dropped as junk (an mbox "From " line) when no field has started yet.
    /// </summary>
    public int ParseFields(HeaderList headers, Encoding fallback)
    {
        string? name = null;
        var fields = 0;
        for (var i = 0; i < _lineStarts.Count; i++)
        {
            var line = TrimEol(Line(i));
            if (line.IsEmpty) continue;
            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (name is not null)
                {
                    AppendValue(line);
                    continue;
                }
                line = line.TrimStart(" \t"u8);
            }
            if (TrySplitField(line, out var fieldName, out var value))
            {
                if (name is not null) headers.Add(new Header(name, TakeValue(fallback)));
                name = fieldName;
                fields++;
                _valueCount = 0;
                AppendValue(value);
            }
            else if (name is not null)
            {
                AppendValue(" "u8);
                AppendValue(line);
            }
        }
        if (name is not null) headers.Add(new Header(name, TakeValue(fallback)));
        return fields;
    }

    /// <summary>ASCII as is, UTF-8 when valid (RFC 6532), else the fallback charset.</summary>
    public static string DecodeLenient(ReadOnlySpan<byte> bytes, Encoding fallback) =>
        Ascii.IsValid(bytes) ? Encoding.ASCII.GetString(bytes) : Charsets.DecodeUndeclared(bytes, fallback);

    public void Dispose()
    {
        if (_bytes.Length > 0) ArrayPool<byte>.Shared.Return(_bytes);
        if (_value.Length > 0) ArrayPool<byte>.Shared.Return(_value);
        _bytes = [];
        _value = [];
    }

    private ReadOnlySpan<byte> Line(int i)
    {
        var start = _lineStarts[i];
        var end = i + 1 < _lineStarts.Count ? _lineStarts[i + 1] : _count;
        return _bytes.AsSpan(start, end - start);
    }

    private static ReadOnlySpan<byte> TrimEol(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\n"u8)) line = line[..^1];
        if (line.EndsWith("\r"u8)) line = line[..^1];
        return line;
    }

    /// <summary>RFC 5322 §3.6.8 field-name: printable ASCII except colon; obsolete WSP before the colon allowed.</summary>
    private static bool TrySplitField(ReadOnlySpan<byte> line, out string name, out ReadOnlySpan<byte> value)
    {
        name = "";
        value = default;
        var colon = line.IndexOf((byte)':');
        if (colon <= 0) return false;
        var rawName = line[..colon].TrimEnd(" \t"u8);
        if (rawName.IsEmpty) return false;
        foreach (var b in rawName)
        {
            if (b < 33 || b > 126) return false;
        }
        name = Encoding.ASCII.GetString(rawName);
        value = line[(colon + 1)..];
        return true;
    }

    private void AppendValue(ReadOnlySpan<byte> bytes)
    {
        Grow(ref _value, _valueCount, bytes.Length);
        bytes.CopyTo(_value.AsSpan(_valueCount));
        _valueCount += bytes.Length;
    }

    private string TakeValue(Encoding fallback)
    {
        var value = DecodeLenient(_value.AsSpan(0, _valueCount).Trim(" \t"u8), fallback);
        _valueCount = 0;
        return value;
    }

    private static void Grow(ref byte[] buffer, int used, int extra)
    {
        if (used + extra <= buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, used + extra));
        buffer.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }
}
