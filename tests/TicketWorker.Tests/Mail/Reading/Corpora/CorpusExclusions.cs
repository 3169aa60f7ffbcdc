namespace TicketWorker.Tests.Mail.Reading.Corpora;

/// <summary>
/// The reviewed exclusions file (Mail/Reading/Corpora/exclusions.txt): "corpus  message-path  reason" per line,
/// '#' comments. An excluded message's values are not compared because the expectation is wrong.
/// </summary>
internal sealed class CorpusExclusions
{
    public const int MaxPerCorpus = 3;

    private CorpusExclusions(IReadOnlyList<(string Corpus, string Message, string Reason)> entries) => Entries = entries;

    public IReadOnlyList<(string Corpus, string Message, string Reason)> Entries { get; }

    public static CorpusExclusions Load()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Mail", "Reading", "Corpora", "exclusions.txt");
        var entries = new List<(string, string, string)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            entries.Add((parts[0], parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2].Trim() : ""));
        }
        return new CorpusExclusions(entries);
    }

    public bool IsExcluded(string corpus, string message) =>
        Entries.Any(e => e.Corpus == corpus && e.Message == message.Replace('\\', '/'));
}
