namespace TicketWorker.Tests;

/// <summary>The repository root (the folder holding TicketWorker.sln), found from the test assembly.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "TicketWorker.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("TicketWorker.sln not found above " + AppContext.BaseDirectory);
    }
}
