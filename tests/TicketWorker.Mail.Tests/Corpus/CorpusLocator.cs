namespace TicketWorker.Mail.Tests.Corpus;

/// <summary>
/// Finds the shared real-world corpus: $TICKETWORKER_CORPUS, else ../shared/corpus next to the
/// repository root (the folder holding TicketWorker.sln). Absent corpus: the test is ignored with
/// the reason, unless TICKETWORKER_REQUIRE_CORPUS=1 (CI), where it fails.
/// </summary>
internal static class CorpusLocator
{
    public static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("TICKETWORKER_CORPUS");
        if (!string.IsNullOrWhiteSpace(configured)) return Directory.Exists(configured) ? configured : null;
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TicketWorker.sln"))) dir = dir.Parent;
        if (dir?.Parent is null) return null;
        var candidate = Path.Combine(dir.Parent.FullName, "shared", "corpus");
        return Directory.Exists(candidate) ? candidate : null;
    }

    /// <summary>The folder of one corpus (e.g. "mime4j"), or ignores/fails the test when it is missing.</summary>
    public static string Require(string corpus)
    {
        var root = Find();
        var path = root is null ? null : Path.Combine(root, corpus);
        if (path is not null && Directory.Exists(path)) return path;
        var reason = $"Corpus '{corpus}' not found (set TICKETWORKER_CORPUS or place it at ../shared/corpus next to the repository).";
        if (Environment.GetEnvironmentVariable("TICKETWORKER_REQUIRE_CORPUS") == "1") Assert.Fail(reason);
        Assert.Ignore(reason);
        return "";
    }
}
