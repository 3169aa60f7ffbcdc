namespace TicketWorker.Mail.Reading;

/// <summary>One header field: its name, the unfolded value as written, and the value with RFC 2047 encoded words decoded.</summary>
public sealed record ReadHeader(string Name, string RawValue, string Value)
{
    public override string ToString() => $"{Name}: {RawValue}";
}
