namespace TicketWorker.Mail.Reading;

/// <summary>One mailbox of an address field: an optional display name and the address.</summary>
public sealed record ReadAddress(string? Name, string Address)
{
    public override string ToString() => string.IsNullOrEmpty(Name) ? Address : $"{Name} <{Address}>";
}
