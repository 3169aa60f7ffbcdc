namespace TicketWorker.Tests;

/// <summary>
/// The real-world mail corpus (../shared/corpus next to the repository, or TICKETWORKER_CORPUS).
/// Absent: the test is skipped with the reason, unless TICKETWORKER_REQUIRE_CORPUS=1 (CI), where it fails.
/// </summary>
public static class Corpus
{
    public static string Require(string subfolder)
    {
        var root = Environment.GetEnvironmentVariable("TICKETWORKER_CORPUS") is { Length: > 0 } env
            ? env
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot.Path, "..", "shared", "corpus"));
        var path = System.IO.Path.Combine(root, subfolder);
        if (Directory.Exists(path)) return path;
        var reason = $"corpus folder {path} not found (set TICKETWORKER_CORPUS)";
        if (Environment.GetEnvironmentVariable("TICKETWORKER_REQUIRE_CORPUS") == "1") Assert.Fail(reason);
        Assert.Ignore(reason);
        return path;
    }
}
