using System.Text;

namespace TicketWorker.Cli;

/// <summary>
/// One terminal, two streams: the progress line on standard error, redrawn in place, and log lines
/// and command output on standard output. Output written through <see cref="Wrap"/> first clears a
/// progress line that is showing and, once that output has ended its line, draws the progress line
/// again below it: logs scroll by above the progress instead of being glued to it. Off a terminal
/// nothing of this is installed and output is written as it comes.
/// </summary>
public sealed class SharedTerminal
{
    private static int _installed;
    private readonly Lock _gate = new();
    private TerminalProgress? _showing;

    /// <summary>The process's own terminal (standard output and standard error).</summary>
    public static SharedTerminal Console { get; } = new();

    /// <summary>Output ended without its line end yet: the progress line waits for it.</summary>
    internal bool MidLine { get; private set; }

    /// <summary>
    /// Standard output for the command line. When standard output and standard error are both a
    /// terminal, <see cref="System.Console.Out"/> is replaced (once per process) by a writer through
    /// <see cref="Console"/>, so the console logger, which takes <c>Console.Out</c> when it starts,
    /// shares the terminal with the progress line too.
    /// </summary>
    public static TextWriter StandardOutput()
    {
        if (System.Console.IsOutputRedirected || !TerminalProgress.IsTerminal(System.Console.Error)) return System.Console.Out;
        if (Interlocked.Exchange(ref _installed, 1) == 0) System.Console.SetOut(Console.Wrap(System.Console.Out));
        return System.Console.Out;
    }

    /// <summary>A writer onto <paramref name="output"/> that keeps clear of this terminal's progress line.</summary>
    public TextWriter Wrap(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new Writer(this, output);
    }

    /// <summary>Runs <paramref name="draw"/> for <paramref name="progress"/>, which shows from now on, unless output is mid-line (then its line end draws it).</summary>
    internal void Show(TerminalProgress progress, Action draw)
    {
        lock (_gate)
        {
            _showing = progress;
            if (!MidLine) draw();
        }
    }

    /// <summary>Runs <paramref name="end"/> for <paramref name="progress"/>, which shows no more.</summary>
    internal void Hide(TerminalProgress progress, Action end)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_showing, progress)) _showing = null;
            end();
        }
    }

    private void Write(TextWriter output, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            var progress = _showing;
            if (progress is not null && !MidLine) progress.Clear();
            output.Write(text);
            output.Flush();
            MidLine = text[^1] != '\n';
            if (progress is not null && !MidLine) progress.Redraw();
        }
    }

    private sealed class Writer(SharedTerminal terminal, TextWriter inner) : TextWriter(inner.FormatProvider)
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => terminal.Write(inner, value.ToString());

        public override void Write(string? value) => terminal.Write(inner, value ?? "");

        public override void Write(char[] buffer, int index, int count) => terminal.Write(inner, new string(buffer, index, count));

        // One piece, so the progress line is cleared and redrawn once per line.
        public override void WriteLine(string? value) => terminal.Write(inner, value + NewLine);

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override void Flush() => inner.Flush();
    }
}
