namespace TicketWorker.Mail.Smtp;

/// <summary>
/// The SMTP envelope of one message: the reverse path (MAIL FROM) and the recipients (RCPT TO),
/// independent of the message's own From/To headers.
/// </summary>
public sealed class SmtpEnvelope
{
    /// <summary>Creates an envelope; an empty <paramref name="from"/> is the null reverse path "&lt;&gt;" used by bounces.</summary>
    public SmtpEnvelope(string from, IEnumerable<string> recipients)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(recipients);
        if (from.Length > 0)
        {
            Validate(from, nameof(from));
        }

        var list = recipients.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("An SMTP envelope needs at least one recipient.", nameof(recipients));
        }

        foreach (var recipient in list)
        {
            Validate(recipient, nameof(recipients));
        }

        From = from;
        Recipients = list;
    }

    /// <summary>Creates an envelope with the given recipients.</summary>
    public SmtpEnvelope(string from, params string[] recipients)
        : this(from, (IEnumerable<string>)recipients)
    {
    }

    /// <summary>The reverse path: where bounces go; empty for the null path.</summary>
    public string From { get; }

    /// <summary>The forward paths, in the order RCPT TO is sent.</summary>
    public IReadOnlyList<string> Recipients { get; }

    /// <summary>True when an address needs SMTPUTF8 (RFC 6531 §3.3: non-ASCII in the envelope).</summary>
    public bool NeedsSmtpUtf8 => !From.All(char.IsAscii) || Recipients.Any(r => !r.All(char.IsAscii));

    private static void Validate(string address, string parameter)
    {
        // RFC 5321 §4.1.2 Mailbox: local@domain. Controls, spaces and angle brackets would let an
        // address inject SMTP commands or parameters, so they are refused outright.
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.Any(c => c is '<' or '>' or ' ' || char.IsControl(c)))
        {
            throw new ArgumentException($"Not a valid SMTP address: \"{address}\".", parameter);
        }
    }
}
