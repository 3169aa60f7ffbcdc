namespace TicketWorker.Replies;

/// <summary>
/// What one part of a reply may cost: templates are edited by admins, not programmers, and a
/// mistaken loop or an include of itself must end with an error instead of a hung worker.
/// </summary>
public sealed record TemplateLimits
{
    /// <summary>Loop iterations, counted across nested loops from the outermost one.</summary>
    public int LoopLimit { get; init; } = 1000;

    /// <summary>Depth of includes within includes.</summary>
    public int RecursiveLimit { get; init; } = 20;

    /// <summary>Characters one part (subject, text or html) may produce; also the longest single value.</summary>
    public int OutputLimit { get; init; } = 4 * 1024 * 1024;

    /// <summary>Wall-clock time for one part, for whatever the counts above do not bound.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public static TemplateLimits Default { get; } = new();
}
