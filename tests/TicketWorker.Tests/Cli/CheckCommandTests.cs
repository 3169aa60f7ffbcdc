using TicketWorker.Cli;

namespace TicketWorker.Tests.Cli;

public class CheckCommandTests
{
    /// <summary>A copy of the shipped config/ and templates/ side by side, as in the repository.</summary>
    private static TempDirectory CopyOfShippedSetup()
    {
        var temp = new TempDirectory();
        foreach (var folder in new[] { "config", "templates" })
        {
            var source = Path.Combine(RepoRoot.Path, folder);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
                temp.Write(Path.Combine(folder, Path.GetRelativePath(source, file)), File.ReadAllText(file));
        }
        return temp;
    }

    [Test]
    public void ShippedConfigurationAndTemplatesPass()
    {
        using var temp = CopyOfShippedSetup();
        Assert.That(CheckCommand.Check(Path.Combine(temp.Path, "config")), Is.Empty);
    }

    [Test]
    public void BrokenTemplateIsReportedWithFileAndLine()
    {
        using var temp = CopyOfShippedSetup();
        temp.Write("templates/closed.el.liquid", "subject: {{ tag }}\n--- text ---\nok\n{% for x in y %}\n--- html ---\n<p>ok</p>\n");
        var problems = CheckCommand.Check(Path.Combine(temp.Path, "config"));
        Assert.That(problems, Has.Count.EqualTo(1), string.Join("\n", problems));
        Assert.That(problems[0].ToString(), Does.Match(@"templates[/\\]closed\.el\.liquid:4:4: text: .*endfor"));
    }

    [Test]
    public async Task AWrongValueInAMailboxIsReportedNotTheMailboxDroppedSilently()
    {
        using var temp = CopyOfShippedSetup();
        var settings = Path.Combine(temp.Path, "config", "appsettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("\"PollInterval\": \"00:01:00\"", "\"PollInterval\": \"soon\""));

        var problems = CheckCommand.Check(Path.Combine(temp.Path, "config"));
        var errors = new StringWriter();
        var code = await CliApp.RunAsync(["status", "--config", Path.Combine(temp.Path, "config")], new StringWriter(), errors);

        // The line of the value in the shipped file, wherever it is.
        Assert.That(problems.Select(p => p.ToString()), Has.Exactly(1).Items
            .And.All.Match(@"appsettings\.json:\d+:\d+: TicketWorker:Mailboxes:0:PollInterval: cannot use 'soon' here \(expected a duration like 00:05:00 or 7\.00:00:00\)$"));
        Assert.That(code, Is.EqualTo(CliApp.UserError));
        Assert.That(errors.ToString(), Does.Contain("TicketWorker:Mailboxes:0:PollInterval: cannot use 'soon' here"));
    }
}
