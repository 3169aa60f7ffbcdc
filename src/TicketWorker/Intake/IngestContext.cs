using TicketWorker.Classification;
using TicketWorker.Configuration;
using TicketWorker.Mail.Reading;
using TicketWorker.Rules;
using TicketWorker.Threading;

namespace TicketWorker.Intake;

/// <summary>Settings and policy intake reads for every message (the policy may be reloaded between messages).</summary>
public sealed class IngestContext(TicketWorkerOptions options, PolicyHolder policy)
{
    public long MaxMessageSize { get; } = options.Storage.MaxMessageSize;
    public MessageReaderOptions ReaderOptions { get; } = MessageReaderOptions.Default;
    public SubjectTag SubjectTag { get; } = new(options.Threading.SubjectTag);
    public ThreadingOptions Threading { get; } = options.Threading;

    /// <summary>Our own addresses: every monitored mailbox (never a customer, never auto-answered).</summary>
    public IReadOnlyList<string> MailboxAddresses { get; } =
        options.Mailboxes.Select(m => m.Address).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public SupportPolicy Policy => policy.Current;

    /// <summary>True for one of our mailboxes or a reply-token address of one (never a customer, never an agent).</summary>
    public bool IsOurs(string address) =>
        MailboxAddresses.Any(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase))
        || ReplyToken.FromAddress(address, MailboxAddresses) is not null;

    /// <summary>The mailbox that answers mail from <paramref name="sourceMailbox"/> (the first one for mail from a pipe), or null when none is configured.</summary>
    public MailboxOptions? SendingMailbox(string? sourceMailbox) =>
        options.Mailboxes.FirstOrDefault(m => string.Equals(m.Name, sourceMailbox, StringComparison.OrdinalIgnoreCase))
        ?? options.Mailboxes.FirstOrDefault();

    public MessageClassifier Classifier()
    {
        var current = policy.Current;
        return new MessageClassifier(address => current.FindAgent(address) is not null);
    }
}
