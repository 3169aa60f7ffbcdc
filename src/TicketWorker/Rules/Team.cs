namespace TicketWorker.Rules;

/// <summary>A team from the <c>teams:</c> section: members in order, how owners are picked, optional owner and lead.</summary>
public sealed record Team(string Name, IReadOnlyList<string> Members, AssignMode Assign, string? Owner, string? Lead);
