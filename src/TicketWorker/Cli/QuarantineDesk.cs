using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>What <c>quarantine list|show|retry</c> do: read the quarantined items and run them through the pipeline again.</summary>
public sealed class QuarantineDesk(StorageDatabase database, IQuarantineStore quarantine, RawMailStore rawStore, IngestPipeline ingest, TimeProvider time)
{
    public Task<IReadOnlyList<QuarantineItem>> ListAsync(bool includeResolved, CancellationToken cancellationToken) =>
        database.InReadAsync(tx => quarantine.ListAsync(tx, includeResolved, cancellationToken), cancellationToken);

    public Task<QuarantineItem?> GetAsync(long id, CancellationToken cancellationToken) =>
        database.InReadAsync(tx => quarantine.GetAsync(tx, id, cancellationToken), cancellationToken);

    /// <summary>The raw bytes of an item, as stored.</summary>
    public Task<Stream> OpenRawAsync(QuarantineItem item, CancellationToken cancellationToken) =>
        rawStore.OpenAsync(item.RawReference, cancellationToken);

    /// <summary>Processes the item's stored bytes again and records the outcome on the item (resolved unless quarantined again).</summary>
    public async Task<IngestResult> RetryAsync(QuarantineItem item, CancellationToken cancellationToken)
    {
        var reference = new RawMailReference(item.RawReference, item.RawSize, null);
        var result = await ingest.ProcessStoredAsync(reference, new IngestSource(item.Mailbox, item.Uid), cancellationToken, quarantineOnFailure: false).ConfigureAwait(false);
        var resolved = result.Action != IngestResult.Quarantined;
        await database.InTransactionAsync(async tx =>
        {
            await quarantine.MarkRetriedAsync(tx, item.Id, time.GetUtcNow(), resolved, resolved ? null : result.Reason, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
