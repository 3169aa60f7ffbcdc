using System.Text;

namespace TicketWorker.Mail.Encodings;

/// <summary>An <see cref="Encoding"/> over <see cref="Utf7"/>, so "utf-7" behaves like any other charset.</summary>
internal sealed class Utf7Encoding : Encoding
{
    public static readonly Utf7Encoding Instance = new();

    public override string WebName => "utf-7";
    public override string EncodingName => "Unicode (UTF-7)";
    public override int CodePage => 65000;

    public override int GetByteCount(char[] chars, int index, int count) => Utf7.Encode(new string(chars, index, count)).Length;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
    {
        var encoded = Utf7.Encode(new string(chars, charIndex, charCount));
        for (var i = 0; i < encoded.Length; i++) bytes[byteIndex + i] = (byte)encoded[i];
        return encoded.Length;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => Utf7.Decode(bytes.AsSpan(index, count)).Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        var decoded = Utf7.Decode(bytes.AsSpan(byteIndex, byteCount));
        decoded.CopyTo(0, chars, charIndex, decoded.Length);
        return decoded.Length;
    }

    // Worst case: every character shifted alone costs "+" + 3 base64 characters + "-".
    public override int GetMaxByteCount(int charCount) => charCount * 5 + 2;
    public override int GetMaxCharCount(int byteCount) => byteCount;

    public override Decoder GetDecoder() => new Utf7Decoder();

    /// <summary>Keeps the shift state between chunks (StreamReader reads in blocks).</summary>
    private sealed class Utf7Decoder : Decoder
    {
        private Utf7.Utf7DecoderState _state = new(imap: false);
        private readonly StringBuilder _buffer = new();

        public override int GetCharCount(byte[] bytes, int index, int count)
        {
            var copy = _state;
            var sb = new StringBuilder(count);
            for (var i = 0; i < count; i++) copy.Feed(bytes[index + i], sb);
            return sb.Length;
        }

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
        {
            _buffer.Clear();
            for (var i = 0; i < byteCount; i++) _state.Feed(bytes[byteIndex + i], _buffer);
            _buffer.CopyTo(0, chars, charIndex, _buffer.Length);
            return _buffer.Length;
        }

        public override void Reset() => _state = new Utf7.Utf7DecoderState(imap: false);
    }
}
