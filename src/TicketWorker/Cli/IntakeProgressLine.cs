using TicketWorker.Intake;

namespace TicketWorker.Cli;

/// <summary>
/// The terminal line for a catch-up (<c>run</c> on a mailbox with thousands of old messages):
/// "catching up support: 1,234/5,000 messages (24 %)". Small catch-ups (new mail while running) are not shown.
/// </summary>
public sealed class IntakeProgressLine(TerminalProgress line, int minimum = IntakeProgressLine.DefaultMinimum) : IProgress<IntakeProgress>
{
    /// <summary>A backlog smaller than this is done before anyone could read a progress line.</summary>
    public const int DefaultMinimum = 100;
    private readonly Lock _lock = new();

    public void Report(IntakeProgress value)
    {
        if (value.Total < minimum) return;
        lock (_lock)
        {
            line.Report(value.Done, value.Total, "catching up " + value.Mailbox);
            if (value.Done >= value.Total) line.Done();
        }
    }
}
