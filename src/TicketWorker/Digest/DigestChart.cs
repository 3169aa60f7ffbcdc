using System.Globalization;
using ScottPlot;

namespace TicketWorker.Digest;

/// <summary>
/// The digest's chart: new and closed tickets per day as grouped bars, drawn by ScottPlot with
/// SkiaSharp into a PNG (an inline image: SVG is stripped by many mail clients).
/// </summary>
public static class DigestChart
{
    public const int Width = 640, Height = 260;

    // The HTML's colours, so the legend of the table and the chart agree.
    public const string NewColor = "#2f6fb3", ClosedColor = "#3a9a5b";

    /// <summary>The PNG bytes of the chart of <paramref name="days"/> (oldest first), <see cref="Width"/> × <see cref="Height"/> pixels.</summary>
    public static byte[] Render(IReadOnlyList<DigestDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var plot = new Plot();
        // A sans-serif face that Debian ships (fonts-dejavu-core); ScottPlot falls back to what exists when it is missing.
        plot.Font.Set("DejaVu Sans");
        try
        {
            var newColor = Color.FromHex(NewColor);
            var closedColor = Color.FromHex(ClosedColor);
            var bars = new List<Bar>();
            for (var i = 0; i < days.Count; i++)
            {
                bars.Add(new Bar { Position = i - 0.2, Value = days[i].New, Size = 0.38, FillColor = newColor, LineWidth = 0 });
                bars.Add(new Bar { Position = i + 0.2, Value = days[i].Closed, Size = 0.38, FillColor = closedColor, LineWidth = 0 });
            }
            plot.Add.Bars(bars);

            // The month only where it starts and on the first day: 14 labels fit side by side without rotation.
            var ticks = days.Select((d, i) => new Tick(i, d.Date.ToString(i == 0 || d.Date.Day == 1 ? "MMM d" : "%d", CultureInfo.InvariantCulture), true)).ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            var top = Math.Max(1, days.Count == 0 ? 0 : days.Max(d => Math.Max(d.New, d.Closed)));
            plot.Axes.SetLimits(-0.7, Math.Max(days.Count, 1) - 0.3, 0, top * 1.15);
            plot.Title("New and closed tickets, last 14 days", size: 14);

            plot.Legend.IsVisible = true;
            plot.Legend.Alignment = Alignment.UpperLeft;
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "new", FillColor = newColor });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "closed", FillColor = closedColor });

            return plot.GetImageBytes(Width, Height, ImageFormat.Png);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
