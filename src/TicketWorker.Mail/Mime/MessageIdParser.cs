namespace TicketWorker.Mail.Mime;

/// <summary>Message-ID, In-Reply-To and References (RFC 5322 §3.6.4), garbage-tolerant.</summary>
/// <remarks>STUB: owned by the header-field work; the signatures are the contract.</remarks>
public static class MessageIdParser
{
    /// <summary>The ids without angle brackets, in order, duplicates removed; never throws.</summary>
    public static IReadOnlyList<string> ParseList(string? value) => [];

    /// <summary>The first id, or null.</summary>
    public static string? ParseOne(string? value) => ParseList(value) is [var first, ..] ? first : null;
}
