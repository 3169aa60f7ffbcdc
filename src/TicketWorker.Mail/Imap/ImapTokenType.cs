namespace TicketWorker.Mail.Imap;

/// <summary>Kinds of lexical tokens in IMAP server data (RFC 3501 §9, RFC 9051 §9).</summary>
internal enum ImapTokenType
{
    Atom,
    QuotedString,
    Literal,
    Nil,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Eol,
}
