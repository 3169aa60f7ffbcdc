namespace TicketWorker.Mail.Writing;

/// <summary>One address of an outgoing mail: an optional display name (any script) and an addr-spec.</summary>
/// <param name="Name">The display name, or null; written as RFC 2047 encoded words when it is not ASCII.</param>
/// <param name="Address">The addr-spec, e.g. <c>support+t12@example.test</c>.</param>
public sealed record OutgoingAddress(string? Name, string Address)
{
    /// <summary>An address without a display name.</summary>
    public static OutgoingAddress Of(string address) => new(null, address);

    /// <summary>
    /// True when <paramref name="address"/> is an addr-spec we can write as 7-bit mail, so a caller
    /// can skip a mail rather than fail its transaction. A non-ASCII local part is refused: it needs
    /// SMTPUTF8 and UTF-8 headers (RFC 6531, RFC 6532); a non-ASCII domain is written as IDNA.
    /// </summary>
    public static bool IsWritable(string? address)
    {
        if (string.IsNullOrWhiteSpace(address)) return false;
        var trimmed = address.Trim();
        var at = trimmed.LastIndexOf('@');
        return at > 0 && at < trimmed.Length - 1
            && trimmed.AsSpan(0, at).IndexOfAnyExceptInRange('!', '~') < 0
            && MimeKit.MailboxAddress.TryParse(trimmed, out var parsed)
            && string.Equals(parsed.Address, trimmed, StringComparison.Ordinal);
    }
}
