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

    public MessageClassifier Classifier()
    {
        var current = policy.Current;
        return new MessageClassifier(address => current.FindAgent(address) is not null);
    }
}
