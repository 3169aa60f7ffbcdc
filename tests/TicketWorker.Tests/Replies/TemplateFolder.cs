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

    /// <summary>The repository's templates/ folder, found upward from the test output.</summary>
    public static string Shipped()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "templates");
            if (File.Exists(System.IO.Path.Combine(candidate, "ack.en.hbs"))) return candidate;
        }
        throw new DirectoryNotFoundException("templates/ not found above " + TestContext.CurrentContext.TestDirectory);
    }

    public const string Simple = """
        subject: Hello {{subject}} {{tag}}
        --- text ---
        Hi {{customer.name}}
        --- html ---
        <p>Hi {{customer.name}}</p>
        """;
}
