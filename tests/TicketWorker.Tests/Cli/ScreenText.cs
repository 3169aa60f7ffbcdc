using System.Text;

namespace TicketWorker.Tests.Cli;

/// <summary>
/// What a person sees on a terminal after some output: carriage return, line feed and ECMA-48 EL
/// (<c>ESC [ K</c>, erase to end of line) applied; other escape sequences (colours, keypad mode) dropped.
/// </summary>
internal static class ScreenText
{
    public static IReadOnlyList<string> Lines(string output)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var cursor = 0;
        for (var i = 0; i < output.Length; i++)
        {
            var c = output[i];
            if (c == '\u001b' && i + 1 < output.Length && output[i + 1] == '[')
            {
                var end = i + 2;
                while (end < output.Length && !char.IsAsciiLetter(output[end])) end++;
                if (end < output.Length && output[end] == 'K' && cursor < line.Length) line.Length = cursor;
                i = end;
                continue;
            }
            if (c == '\u001b')
            {
                i++; // a two-character sequence such as ESC = (keypad mode), which .NET's console sends first
                continue;
            }
            switch (c)
            {
                case '\r':
                    cursor = 0;
                    break;
                case '\n':
                    lines.Add(line.ToString());
                    line.Clear();
                    cursor = 0;
                    break;
                default:
                    if (cursor < line.Length) line[cursor] = c;
                    else line.Append(c);
                    cursor++;
                    break;
            }
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }
}
