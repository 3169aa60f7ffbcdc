using Microsoft.Extensions.Logging;
using TicketWorker.Configuration;
using TicketWorker.Storage;

namespace TicketWorker.Intake;

/// <summary>Makes the intake loop of one mailbox; what all mailboxes share (the database, the pipeline, the clock) is given once.</summary>
public sealed class MailboxIntakeFactory(
    StorageDatabase database, IMailboxStateStore state, ISettingsStore settingsStore, RawMailStore rawStore, IngestPipeline ingest, LoadedSettings settings,
    TimeProvider time, ILogger<MailboxIntake> logger)
{
    /// <summary>The loop for <paramref name="mailbox"/>, holding its lease as <paramref name="workerId"/>.</summary>
    public MailboxIntake Create(MailboxOptions mailbox, string workerId, ILogger? log = null) =>
        new(database, state, settingsStore, rawStore, ingest, settings, time, mailbox, workerId, log ?? logger);
}
