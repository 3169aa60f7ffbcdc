namespace TicketWorker.Mail.Imap;

/// <summary>One token read by <see cref="ImapReader"/>; a literal token carries only its length, its bytes follow in the stream.</summary>
internal readonly record struct ImapToken(ImapTokenType Type, string? Value = null, long Length = 0, bool IsLiteral8 = false)
{
    public static readonly ImapToken Eol = new(ImapTokenType.Eol);
    public static readonly ImapToken Nil = new(ImapTokenType.Nil);
    public static readonly ImapToken OpenParen = new(ImapTokenType.OpenParen);
    public static readonly ImapToken CloseParen = new(ImapTokenType.CloseParen);
    public static readonly ImapToken OpenBracket = new(ImapTokenType.OpenBracket);
    public static readonly ImapToken CloseBracket = new(ImapTokenType.CloseBracket);

    /// <summary>True for an atom whose text equals <paramref name="text"/> ignoring case.</summary>
    public bool IsAtom(string text) => Type == ImapTokenType.Atom && string.Equals(Value, text, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for an atom, quoted string (string tokens that carry their value inline).</summary>
    public bool IsString => Type is ImapTokenType.Atom or ImapTokenType.QuotedString;

    public override string ToString() => Type switch
    {
        ImapTokenType.Atom => Value!,
        ImapTokenType.QuotedString => "\"" + Value + "\"",
        ImapTokenType.Literal => "{" + Length + "}",
        ImapTokenType.Nil => "NIL",
        ImapTokenType.OpenParen => "(",
        ImapTokenType.CloseParen => ")",
        ImapTokenType.OpenBracket => "[",
        ImapTokenType.CloseBracket => "]",
        _ => "CRLF",
    };
}
