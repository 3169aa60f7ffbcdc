namespace TicketWorker.Mail.Tests.Mime;

/// <summary>Reads the tab-separated fixture tables under Fixtures/HeaderFields.</summary>
internal static class FixtureTable
{
    public static IEnumerable<TestCaseData> Read(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "HeaderFields", fileName);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith('#') || line.Length == 0) continue;
            // The expected value never holds a tab; the input may (folded headers).
            var tab = line.LastIndexOf('\t');
            yield return new TestCaseData(line[..tab], line[(tab + 1)..]).SetArgDisplayNames($"{fileName} line {lineNumber}");
        }
    }
}
