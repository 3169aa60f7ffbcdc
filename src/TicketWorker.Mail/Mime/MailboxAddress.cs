namespace TicketWorker.Mail.Mime;

/// <summary>One mailbox: an optional display name and an address (IDN domains kept in Unicode).</summary>
public sealed record MailboxAddress(string? Name, string Address)
{
    public override string ToString() => string.IsNullOrEmpty(Name) ? Address : $"{Name} <{Address}>";
}
