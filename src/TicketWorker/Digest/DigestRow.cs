namespace TicketWorker.Digest;

/// <summary>One agent's or team's line of the digest.</summary>
/// <param name="Name">The agent's address or the team's name; null for unassigned tickets or tickets without team.</param>
/// <param name="Label">What the reader sees: the agent's name and address, the team's name, "(unassigned)", "(no team)".</param>
/// <param name="FirstResponseP50">Median first-response time of the tickets answered on the day.</param>
public sealed record DigestRow(string? Name, string Label, int New, int Answered, int Closed, int Breached, BacklogAges Backlog, TimeSpan? FirstResponseP50);
