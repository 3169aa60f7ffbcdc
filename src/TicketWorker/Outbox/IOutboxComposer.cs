using TicketWorker.Storage;

namespace TicketWorker.Outbox;

/// <summary>
/// Writes the mail of an outbox row that was queued as a recipe (<see cref="OutboxItem.Recipe"/>) rather
/// than as bytes: agents' notifications, which intake queues inside its batch and the sender composes
/// just before sending, so intake's single writer does not render and MIME-encode them. The Message-ID
/// and Date were fixed when the row was queued; the bytes are stored before the first SMTP attempt, so a
/// retry or a resend after a crash sends the same bytes.
/// </summary>
public interface IOutboxComposer
{
    /// <summary>Whether this composer writes rows of this kind.</summary>
    bool Composes(string kind);

    /// <summary>The mail of <paramref name="row"/>, read from the store as it is now.</summary>
    /// <exception cref="OutboxCompositionException">The recipe cannot be composed (its message or ticket is gone, the recipe is unreadable).</exception>
    Task<ComposedMail> ComposeAsync(OutboxItem row, CancellationToken cancellationToken);
}

/// <summary>A composed row: the bytes to send, and the subject and text stored on the ticket's outbound message.</summary>
/// <param name="Message">
/// The ticket's outbound message for this mail, stored with the bytes (a recipe row is queued without one: one row less on
/// intake's single writer per mail). A row queued with its message already stored (by an older version) keeps that one.
/// </param>
public sealed record ComposedMail(byte[] Raw, string Subject, string? Text, MessageRecord? Message = null)
{
    /// <summary>Stores the mail of outbox row <paramref name="rowId"/>: its bytes, and its outbound message on the ticket.</summary>
    public async Task StoreAsync(IStorageTransaction transaction, long rowId, IOutboxStore outbox, ITicketStore tickets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(tickets);
        // A duplicate when an older version stored the message when it queued the row: SetComposedAsync then fills in its subject and text.
        if (Message is not null) await tickets.AddMessageAsync(transaction, Message, cancellationToken).ConfigureAwait(false);
        await outbox.SetComposedAsync(transaction, rowId, Raw, Subject, Text, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A recipe that can never be composed: the row fails with this reason instead of being retried.</summary>
public sealed class OutboxCompositionException(string message) : Exception(message);
