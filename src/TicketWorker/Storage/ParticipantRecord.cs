namespace TicketWorker.Storage;

/// <summary>A row of <c>participants</c>: an address that took part in a ticket.</summary>
public sealed record ParticipantRecord
{
    /// <summary>The ticket's <see cref="TicketRecord.Id"/>.</summary>
    public long TicketId { get; init; }

    /// <summary>The address (compared case-insensitively: stored lower-case).</summary>
    public string Address { get; init; } = string.Empty;

    /// <summary>Role as the pipeline names it (e.g. customer, agent, cc).</summary>
    public string Role { get; init; } = "customer";

    /// <summary>When the address was first seen on the ticket.</summary>
    public DateTimeOffset AddedAt { get; init; }
}
