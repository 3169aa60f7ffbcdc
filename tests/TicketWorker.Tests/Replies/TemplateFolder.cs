namespace TicketWorker.Tests.Replies;

/// <summary>The shipped templates folder, and scratch folders for broken ones.</summary>
internal sealed class TemplateFolder : IDisposable
{
    public TemplateFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tw-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "partials"));
    }

    public string Path { get; }

    /// <summary>Writes a file below the folder and returns its full path.</summary>
    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    /// <summary>The repository's shipped templates/ folder.</summary>
    public static string Shipped() => System.IO.Path.Combine(RepoRoot.Path, "templates");

    public const string Simple = """
        subject: Hello {{ subject }} {{ tag }}
        --- text ---
        Hi {{ customer.name }}
        --- html ---
        <p>Hi {{ customer.name }}</p>
        """;
}
