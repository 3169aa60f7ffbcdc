namespace TicketWorker.Observability;

/// <summary><c>TicketWorker:Logging</c>: how the worker writes its log to the console.</summary>
public sealed class LoggingOptions
{
    /// <summary>
    /// <c>simple</c> (one line per entry), <c>json</c> (one JSON object per line, for log shippers) or
    /// <c>systemd</c> (journald priorities). Empty: <c>systemd</c> when stdout is the journal
    /// (<c>JOURNAL_STREAM</c>), else <c>simple</c>.
    /// </summary>
    public string? Format { get; set; }
}
