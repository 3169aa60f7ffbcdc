namespace TicketWorker.Storage;

/// <summary>Messages kept without a ticket (bulk mail, automatic mail that threads nowhere).</summary>
public interface IIgnoredMessageStore
{
    /// <summary>Records the message; false when its Message-ID is already recorded (nothing written).</summary>
    Task<bool> AddAsync(IStorageTransaction transaction, IgnoredMessage message, CancellationToken cancellationToken = default);

    // Whether a Message-ID was ignored before: ITicketStore.FindTakenInAsync (with the messages on tickets, in one query).

    /// <summary>The most recent ignored messages, newest first.</summary>
    Task<IReadOnlyList<IgnoredMessage>> ListAsync(IStorageTransaction transaction, int limit, CancellationToken cancellationToken = default);
}
