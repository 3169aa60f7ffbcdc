namespace TicketWorker.Agents.Verification;

/// <summary>No usable DKIM/ARC public key: no record, a DNS error or timeout, or a malformed record.</summary>
public sealed class DkimKeyNotFoundException : Exception
{
    public DkimKeyNotFoundException(string message) : base(message) { }

    public DkimKeyNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
