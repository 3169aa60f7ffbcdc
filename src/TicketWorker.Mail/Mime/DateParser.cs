namespace TicketWorker.Mail.Mime;

/// <summary>RFC 5322 §3.3 dates including obsolete forms and common broken ones.</summary>
/// <remarks>STUB: owned by the header-field work; the signatures are the contract.</remarks>
public static class DateParser
{
    /// <summary>The date, or null when it cannot be understood; never throws.</summary>
    public static DateTimeOffset? Parse(string? value) => null;
}
