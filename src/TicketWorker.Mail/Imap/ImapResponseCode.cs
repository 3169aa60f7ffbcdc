namespace TicketWorker.Mail.Imap;

/// <summary>A response code in brackets (RFC 3501 §7.1), e.g. <c>[UIDVALIDITY 3857529045]</c>; list arguments are flattened.</summary>
internal sealed record ImapResponseCode(string Name, IReadOnlyList<string> Arguments)
{
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Arguments.Count == 0 ? Name : Name + " " + string.Join(' ', Arguments);
}
