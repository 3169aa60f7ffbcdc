namespace TicketWorker.Rules;

/// <summary>A support agent from the <c>agents:</c> section of rules.yaml.</summary>
public sealed record Agent(string Email, string Name, IReadOnlyList<string> Teams, string? Language, bool Away);
