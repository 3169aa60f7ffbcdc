namespace TicketWorker.Configuration;

/// <summary>One problem in a file an admin edits, located as <c>file:line:col</c> (1-based).</summary>
public sealed record ConfigError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}
