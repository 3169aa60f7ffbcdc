using System.Text;

namespace TicketWorker.Cli;

/// <summary>
/// One terminal shared by the progress line (drawn in place on standard error) and everything else
/// written to it: log lines and command output on standard output, and the warnings commands log on
/// standard error. Output written through <see cref="Wrap"/> first clears a progress line that is
/// showing and, once that output has ended its line, draws the progress line again below it: logs
/// scroll by above the progress instead of being glued to it. Off a terminal nothing of this is
/// installed and output is written as it comes.
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

    /// <summary>Standard error itself, where the progress line is drawn, once <see cref="Install"/> wrapped <see cref="System.Console.Error"/>.</summary>
    internal TextWriter? ProgressWriter { get; private set; }

    /// <summary>
    /// When standard error is a terminal, replaces (once per process) <see cref="System.Console.Error"/>
    /// and, unless it goes elsewhere, <see cref="System.Console.Out"/> by writers through
    /// <see cref="Console"/>. Call before any host starts: the console logger takes
    /// <c>Console.Out</c> and <c>Console.Error</c> when it is created.
    /// </summary>
    public static void Install()
    {
        if (!TerminalProgress.IsTerminal(System.Console.Error)) return;
        if (Interlocked.Exchange(ref _installed, 1) != 0) return;
        var error = System.Console.Error;
        Console.ProgressWriter = error;
        System.Console.SetError(Console.Wrap(error));
        if (!System.Console.IsOutputRedirected) System.Console.SetOut(Console.Wrap(System.Console.Out));
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
