namespace TicketWorker.Storage;

/// <summary>A ticket with its messages (oldest first, attachments filled) and participants.</summary>
/// <param name="Ticket">The ticket row.</param>
/// <param name="Messages">Its messages in the order they were stored.</param>
/// <param name="Participants">Its participants.</param>
public sealed record TicketDetails(
    TicketRecord Ticket,
    IReadOnlyList<MessageRecord> Messages,
    IReadOnlyList<ParticipantRecord> Participants);
