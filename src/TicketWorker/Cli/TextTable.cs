using System.Globalization;

namespace TicketWorker.Cli;

/// <summary>A plain-text table for terminals and logs: left-aligned columns as wide as their widest cell, two spaces apart.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string?[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        _rows.Add(cells.Select(c => string.IsNullOrEmpty(c) ? "-" : c).ToArray());
        return this;
    }

    public async Task WriteAsync(TextWriter output, string indent = "")
    {
        var widths = headers.Select((h, i) => _rows.Select(r => Width(r[i])).Append(Width(h)).Max()).ToArray();
        foreach (var row in _rows.Prepend(headers))
        {
            // The last column is not padded: no trailing blanks.
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell : cell + new string(' ', widths[i] - Width(cell)));
            await output.WriteLineAsync(indent + string.Join("  ", cells)).ConfigureAwait(false);
        }
    }

    // Text elements, not UTF-16 units: a Persian or Greek mailbox name keeps the columns straight.
    private static int Width(string s) => new StringInfo(s).LengthInTextElements;
}
