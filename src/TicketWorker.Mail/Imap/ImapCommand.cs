using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Imap;

/// <summary>A command being built: text pieces and literals (RFC 3501 §4.3), sent by <see cref="ImapEngine"/>.</summary>
internal sealed class ImapCommand
{
    private readonly List<ReadOnlyMemory<byte>> _parts = [];
    private readonly List<bool> _isLiteral = [];
    private readonly StringBuilder _text = new();

    public ImapCommand(string name, bool sensitive = false)
    {
        Name = name;
        Sensitive = sensitive;
        _text.Append(name);
    }

    /// <summary>The command name for error messages (e.g. "UID FETCH").</summary>
    public string Name { get; }

    /// <summary>True when arguments must not be logged (LOGIN).</summary>
    public bool Sensitive { get; }

    internal int PartCount => _parts.Count + (_text.Length > 0 ? 1 : 0);

    /// <summary>Appends raw protocol text (already valid syntax), preceded by a space.</summary>
    public ImapCommand Raw(string text)
    {
        if (!(text.StartsWith(')') || EndsWithOpenParen()))
            _text.Append(' ');
        _text.Append(text);
        return this;
    }

    /// <summary>Appends an astring: a quoted string, or a literal when the value has 8-bit or line-break characters.</summary>
    public ImapCommand AString(string value)
    {
        if (NeedsLiteral(value))
            return Literal(Encoding.UTF8.GetBytes(value));
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            // RFC 3501 §4.3: only " and \ are escaped inside a quoted string.
            if (c is '"' or '\\')
                sb.Append('\\');
            sb.Append(c);
        }
        return Raw(sb.Append('"').ToString());
    }

    /// <summary>Appends a folder name in modified UTF-7 (RFC 3501 §5.1.3); INBOX is case-insensitive and sent as is.</summary>
    public ImapCommand Mailbox(string name) =>
        AString(name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : ModifiedUtf7.Encode(name));

    /// <summary>Appends a literal (the engine chooses synchronizing or LITERAL+ form).</summary>
    public ImapCommand Literal(ReadOnlyMemory<byte> data)
    {
        if (!EndsWithOpenParen())
            _text.Append(' ');
        FlushText();
        _parts.Add(data);
        _isLiteral.Add(true);
        return this;
    }

    // After "(" the next item follows without a space (RFC 3501 §9: "(" search-key *(SP search-key) ")").
    private bool EndsWithOpenParen() => _text.Length > 0 && _text[^1] == '(';

    private void FlushText()
    {
        if (_text.Length == 0)
            return;
        _parts.Add(Encoding.UTF8.GetBytes(_text.ToString()));
        _isLiteral.Add(false);
        _text.Clear();
    }

    /// <summary>The command as pieces: text (without CRLF) and literals, in order.</summary>
    public IReadOnlyList<(ReadOnlyMemory<byte> Data, bool IsLiteral)> Build()
    {
        FlushText();
        var result = new List<(ReadOnlyMemory<byte>, bool)>(_parts.Count);
        for (var i = 0; i < _parts.Count; i++)
            result.Add((_parts[i], _isLiteral[i]));
        return result;
    }

    private static bool NeedsLiteral(string value)
    {
        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\0' || c > 0x7E)
                return true;
        }
        return false;
    }
}
