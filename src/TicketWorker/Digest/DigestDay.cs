namespace TicketWorker.Digest;

/// <summary>One day of the chart: tickets opened and closed that day.</summary>
public sealed record DigestDay(DateOnly Date, int New, int Closed);
