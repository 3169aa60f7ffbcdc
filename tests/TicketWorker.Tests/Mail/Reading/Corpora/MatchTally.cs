namespace TicketWorker.Tests.Mail.Reading.Corpora;

/// <summary>Counts compared values of one corpus and remembers the first mismatches for the report.</summary>
internal sealed class MatchTally(string corpus)
{
    private readonly List<string> _mismatches = [];

    public int Compared { get; private set; }
    public int Matched { get; private set; }
    public int Excluded { get; private set; }
    public double Rate => Compared == 0 ? 0 : (double)Matched / Compared;

    public void Record(bool match, string what)
    {
        Compared++;
        if (match) Matched++;
        else _mismatches.Add(what);
    }

    public void RecordExcluded() => Excluded++;

    public void Report()
    {
        TestContext.Out.WriteLine($"{corpus}: {Matched}/{Compared} values match ({Rate:P1}); {Excluded} message(s) excluded by exclusions.txt");
        foreach (var m in _mismatches.Take(40)) TestContext.Out.WriteLine("  mismatch: " + m);
    }
}
