namespace TicketWorker.Storage;

/// <summary>A ticket with the number of its messages, for listings.</summary>
/// <param name="Ticket">The ticket row.</param>
/// <param name="MessageCount">How many messages (inbound and outbound) it has.</param>
public sealed record TicketSummary(TicketRecord Ticket, int MessageCount);
