namespace TicketWorker.Rules;

/// <summary>The priority names, lowest first, and the one-step raise VIP customers get.</summary>
public static class Priorities
{
    public const string Low = "low", Normal = "normal", High = "high", Urgent = "urgent";

    public static IReadOnlyList<string> All { get; } = [Low, Normal, High, Urgent];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name);

    /// <summary>One step up (normal → high); urgent stays urgent.</summary>
    public static string Raise(string priority)
    {
        var i = All.ToList().IndexOf(priority);
        return i < 0 ? High : All[Math.Min(i + 1, All.Count - 1)];
    }
}
