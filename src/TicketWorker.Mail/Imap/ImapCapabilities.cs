namespace TicketWorker.Mail.Imap;

/// <summary>Server capabilities the client acts on (RFC 3501 §7.2.1 and extensions); SASL mechanisms are kept separately.</summary>
[Flags]
public enum ImapCapabilities : long
{
    None = 0,
    Imap4Rev1 = 1L << 0,
    Imap4Rev2 = 1L << 1,
    StartTls = 1L << 2,
    LoginDisabled = 1L << 3,
    SaslIR = 1L << 4,
    LiteralPlus = 1L << 5,
    LiteralMinus = 1L << 6,
    Idle = 1L << 7,
    Move = 1L << 8,
    UidPlus = 1L << 9,
    Namespace = 1L << 10,
    Id = 1L << 11,
    Enable = 1L << 12,
    Children = 1L << 13,
    Unselect = 1L << 14,
    CondStore = 1L << 15,
    QResync = 1L << 16,
    ESearch = 1L << 17,
    SpecialUse = 1L << 18,
    ListExtended = 1L << 19,
    ListStatus = 1L << 20,
    Utf8Accept = 1L << 21,
    Binary = 1L << 22,
    MultiAppend = 1L << 23,
    Status = 1L << 24,
}
