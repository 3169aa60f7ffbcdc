using System.Globalization;

namespace TicketWorker.Cli;

/// <summary>
/// A progress line for a person at a terminal ("1,234/5,000 messages (24 %)"), redrawn in place at
/// most a few times a second. Silent unless enabled, and enabled only when standard error is a
/// terminal: in logs, pipes and the journal nothing is written. On a <see cref="SharedTerminal"/>,
/// output written meanwhile (log lines, command output) appears above the line, which is redrawn below it.
/// </summary>
public sealed class TerminalProgress(TextWriter writer, bool enabled, string unit, TimeProvider? time = null, SharedTerminal? terminal = null) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _lastDrawn = long.MinValue;
    private bool _open;
    private string _text = "";

    public bool Enabled => enabled;

    /// <summary>Progress on standard error when it is a terminal (and <paramref name="errors"/> is standard error, not a test's writer).</summary>
    public static TerminalProgress ForStandardError(string unit, TextWriter? errors = null)
    {
        var writer = errors ?? Console.Error;
        if (!IsTerminal(writer)) return new TerminalProgress(writer, false, unit);
        // Drawn on standard error itself; what others write to Console.Error goes around the line.
        var shared = SharedTerminal.Console.ProgressWriter is null ? null : SharedTerminal.Console;
        return new TerminalProgress(shared?.ProgressWriter ?? writer, true, unit, null, shared);
    }

    /// <summary>Whether <paramref name="writer"/> is standard error and that is a terminal (not a file, pipe or the journal; not TERM=dumb).</summary>
    public static bool IsTerminal(TextWriter writer) =>
        ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";

    /// <summary><paramref name="done"/> of <paramref name="total"/>; the last one is always drawn.</summary>
    public void Report(long done, long total, string? label = null)
    {
        if (!enabled) return;
        var now = _time.GetTimestamp();
        if (done < total && _lastDrawn != long.MinValue && _time.GetElapsedTime(_lastDrawn, now) < Interval) return;
        _lastDrawn = now;
        var percent = total > 0 ? $" ({100 * done / total} %)" : "";
        Draw($"{(label is null ? "" : label + ": ")}{Format(done, total, unit)}{percent}");
    }

    /// <summary>A free-form line (e.g. a step and the time it has taken so far).</summary>
    public void Status(string text)
    {
        if (enabled) Draw(text);
    }

    /// <summary>Ends the line, so what follows starts on a fresh one.</summary>
    public void Done()
    {
        if (terminal is null) End();
        else terminal.Hide(this, End);
    }

    public void Dispose() => Done();

    /// <summary>"1,234/5,000 messages".</summary>
    public static string Format(long done, long total, string unit) =>
        $"{done.ToString("N0", CultureInfo.InvariantCulture)}/{total.ToString("N0", CultureInfo.InvariantCulture)} {unit}";

    private void Draw(string text)
    {
        _text = text;
        if (terminal is null) Redraw();
        else terminal.Show(this, Redraw);
    }

    /// <summary>Draws the current text over the line (carriage return, text, ECMA-48 EL "erase to end of line").</summary>
    internal void Redraw()
    {
        writer.Write("\r" + _text + "\u001b[K");
        writer.Flush();
        _open = true;
    }

    /// <summary>Erases the line, so other output can start at its beginning; <see cref="Redraw"/> brings it back.</summary>
    internal void Clear()
    {
        if (!_open) return;
        writer.Write("\r\u001b[K");
        writer.Flush();
    }

    private void End()
    {
        if (!_open) return;
        writer.WriteLine();
        writer.Flush();
        _open = false;
    }
}
