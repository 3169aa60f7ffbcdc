using System.Diagnostics;
using TicketWorker.Escalation;
using BusinessDuration = TicketWorker.Rules.BusinessDuration;

namespace TicketWorker.Bench;

/// <summary>
/// Adds business durations on the shipped demo's week (Monday to Thursday 09:00-17:00, Friday to 15:00,
/// Berlin, yearly holidays) from starts spread over a year: what placing an SLA due time or an estimate
/// costs, opening days (<c>5d</c>, <c>250d</c>) against business hours (<c>40h</c>).
/// </summary>
internal sealed class BusinessDaysBenchmark : IBenchmark
{
    public string Name => "business-days";

    public string Usage => "[--adds N (per case and round, default 100000)] [--rounds R (default 5)]  BusinessCalendar.Add cost";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var adds = Option(args, "--adds") is { } n ? int.Parse(n) : 100_000;
        var rounds = Option(args, "--rounds") is { } r ? int.Parse(r) : 5;
        var day = DailyInterval.From(9, 0, 17, 0);
        var calendar = new BusinessCalendar(new BusinessCalendarSpec("Europe/Berlin", new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>
        {
            [DayOfWeek.Monday] = [day], [DayOfWeek.Tuesday] = [day], [DayOfWeek.Wednesday] = [day], [DayOfWeek.Thursday] = [day],
            [DayOfWeek.Friday] = [DailyInterval.From(9, 0, 15, 0)],
        }, null, [new YearlyDate(1, 1), new YearlyDate(5, 1), new YearlyDate(10, 3), new YearlyDate(12, 25), new YearlyDate(12, 26)]));

        // Starts every 7 h 13 min over about a year: open, closed, weekend and holiday starts alike.
        var origin = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var starts = Enumerable.Range(0, 1213).Select(i => origin.AddMinutes(i * 433)).ToArray();
        (string Name, BusinessDuration Duration)[] cases =
        [
            ("40h", BusinessDuration.FromTime(TimeSpan.FromHours(40))),
            ("5d", BusinessDuration.FromDays(5)),
            ("1d4h", new BusinessDuration(1, TimeSpan.FromHours(4))),
            ("250d", BusinessDuration.FromDays(250)),
        ];

        Console.WriteLine($"business-days: demo week, {starts.Length} starts over a year, {rounds} rounds of {adds} adds per case");
        foreach (var (name, duration) in cases)
        {
            for (var i = 0; i < 500; i++) calendar.Add(starts[i % starts.Length], duration); // warm-up (JIT)
            var perAdd = new List<double>();
            long bytes = 0;
            var count = name == "250d" ? Math.Max(1, adds / 50) : adds;
            for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < count; i++) calendar.Add(starts[i % starts.Length], duration);
                perAdd.Add(watch.Elapsed.TotalMicroseconds / count);
                bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / count;
            }
            perAdd.Sort();
            Console.WriteLine($"  {name,-5} ({count} per round): median {perAdd[perAdd.Count / 2]:F2} µs per add (min {perAdd[0]:F2}, max {perAdd[^1]:F2}), {bytes / 1024.0:F1} KB allocated per add");
        }
        return Task.FromResult(0);
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i] == name) return args[i + 1];
        return null;
    }
}
