namespace TicketWorker.Mail.Mime;

/// <summary>RFC 5322 §3.4 address lists, leniently: groups flattened, comments, missing angle brackets.</summary>
/// <remarks>STUB: owned by the header-field work; the signatures are the contract.</remarks>
public static class AddressParser
{
    /// <summary>Every mailbox in the (raw, undecoded) header value; never throws.</summary>
    public static IReadOnlyList<MailboxAddress> ParseList(string? value) => [];
}
