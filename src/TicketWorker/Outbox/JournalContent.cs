namespace TicketWorker.Outbox;

/// <summary>What one journal file holds (<see cref="SentJournal.Read"/>).</summary>
/// <param name="Sent">Rows accepted by the server.</param>
/// <param name="InFlight">Rows whose SMTP transaction began and has no <c>sent</c> line.</param>
/// <param name="AfterData">Of those, the rows whose message data was written: the server may have accepted them (RFC 1047).</param>
public sealed record JournalContent(IReadOnlyList<SentEntry> Sent, IReadOnlyList<long> InFlight, IReadOnlyList<long> AfterData);
