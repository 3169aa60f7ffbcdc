namespace TicketWorker.Storage;

/// <summary>Intake checkpoints per mailbox folder and leases that let one worker at a time hold a mailbox.</summary>
public interface IMailboxStateStore
{
    /// <summary>The checkpoint of a mailbox folder, null when intake never ran there.</summary>
    Task<MailboxCheckpoint?> GetCheckpointAsync(IStorageTransaction transaction, string mailbox, string folder, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the checkpoint of <see cref="MailboxCheckpoint.Mailbox"/>/<see cref="MailboxCheckpoint.Folder"/>.</summary>
    Task SetCheckpointAsync(IStorageTransaction transaction, MailboxCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Every checkpoint, by mailbox and folder.</summary>
    Task<IReadOnlyList<MailboxCheckpoint>> ListCheckpointsAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes or renews the lease of a mailbox for <paramref name="owner"/> until <paramref name="until"/>:
    /// succeeds when free, expired (at <paramref name="now"/>) or already held by the owner. Commit right after.
    /// </summary>
    Task<bool> TryAcquireLeaseAsync(IStorageTransaction transaction, string mailbox, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Gives up the lease if <paramref name="owner"/> holds it.</summary>
    Task ReleaseLeaseAsync(IStorageTransaction transaction, string mailbox, string owner, CancellationToken cancellationToken = default);

    /// <summary>Current holder of a mailbox lease and its expiry, null when none was ever taken.</summary>
    Task<(string Owner, DateTimeOffset ExpiresAt)?> GetLeaseAsync(IStorageTransaction transaction, string mailbox, CancellationToken cancellationToken = default);
}
