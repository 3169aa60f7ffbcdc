using TicketWorker.Configuration;
using TicketWorker.Replies;

namespace TicketWorker.Tests.Replies;

public class TemplateValidatorTests
{
    private static IReadOnlyList<ConfigError> Validate(TemplateFolder folder) => TemplateValidator.Validate(folder.Path, "en", []);

    private static ConfigError Single(IReadOnlyList<ConfigError> errors)
    {
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        return errors[0];
    }

    [Test]
    public void ShippedTemplatesAreValid() =>
        Assert.That(TemplateValidator.Validate(TemplateFolder.Shipped()), Is.Empty);

    [Test]
    public void UnclosedBlockIsReportedWithFileLineAndColumn()
    {
        using var folder = new TemplateFolder();
        var path = folder.Write("ack.en.liquid", "subject: hi\n--- text ---\nline one\n  {% if customer.name %}Dear\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That(error.File, Does.EndWith("ack.en.liquid"));
        Assert.That(Path.GetFullPath(error.File), Is.EqualTo(path));
        // Scriban points at the 'if' (0-based 1:5 in the section, which starts on line 3).
        Assert.That((error.Line, error.Column), Is.EqualTo((4, 6)));
        Assert.That(error.Message, Does.StartWith("text: ").And.Contain("endif"));
    }

    [Test]
    public void CloseWithoutItsBlockIsReportedAtTheClose()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: hi\n--- text ---\n{% if a %}\n{% endfor %}\n--- html ---\n<p>x</p>\n");
        var errors = Validate(folder);
        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e.Line == 4 && e.Message.Contains("endfor", StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Test]
    public void MissingIncludeIsReportedWithItsLineEvenInABranchTheSamplesDoNotTake()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: hi\n--- text ---\nok\n--- html ---\n<p>x</p>\n{% if number == 999 %}<p>{% include 'signatur' %}</p>{% endif %}\n");
        var error = Single(Validate(folder));
        Assert.That((error.Line, error.Column), Is.EqualTo((6, 29)));
        Assert.That(error.Message, Does.Contain("include 'signatur' not found"));
    }

    [Test]
    public void UnknownFilterIsReportedWithItsPosition()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: hi {{ subject | shout }}\n--- text ---\nok\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That((error.Line, error.Column), Is.EqualTo((1, 26)));
        Assert.That(error.Message, Does.Contain("shout").And.Contain("not found"));
    }

    [Test]
    public void UnknownVariableIsReportedWithItsPosition()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: hi\n--- text ---\nDear {{ custmer.name }},\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That((error.Line, error.Column), Is.EqualTo((3, 9)));
        Assert.That(error.Message, Does.Contain("custmer").And.Contain("not found"));
    }

    [Test]
    public void UnterminatedTagIsReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: hi\n--- text ---\nok {{ subject\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        // Scriban reports the end of input without a position: the end of the section.
        Assert.That((error.Line, error.Column), Is.EqualTo((3, 14)));
        Assert.That(error.Message, Does.StartWith("text: "));
    }

    [Test]
    public void BrokenPartialIsReportedInThePartialFile()
    {
        using var folder = new TemplateFolder();
        folder.Write("partials/signature.en.liquid", "--- text ---\nBye\n--- html ---\n<p>{% if support %}Bye</p>\n");
        folder.Write("ack.en.liquid", "subject: hi\n--- text ---\n{% include 'signature' %}\n--- html ---\n{% include 'signature' %}\n");
        var errors = Validate(folder);
        Assert.That(errors.Any(e => e.File.EndsWith("signature.en.liquid", StringComparison.Ordinal) && e.Line == 4), Is.True, string.Join("\n", errors));
    }

    [Test]
    public void UnknownVariableInAPartialIsReportedInThePartialFile()
    {
        using var folder = new TemplateFolder();
        folder.Write("partials/signature.liquid", "Bye\n{{ suport }}\n");
        folder.Write("ack.en.liquid", "subject: hi\n--- text ---\n{% include 'signature' %}\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That(error.File, Does.EndWith("signature.liquid"));
        Assert.That((error.Line, error.Column), Is.EqualTo((2, 4)));
    }

    [Test]
    public void FilterFailingOnTheSampleModelIsReportedAtItsPosition()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: hi\n--- text ---\nok\n--- html ---\n<p>{{ subject | date }}</p>\n");
        var error = Single(Validate(folder));
        Assert.That((error.Line, error.Column), Is.EqualTo((5, 17)));
        Assert.That(error.Message, Does.Contain("date expects a date"));
    }

    [TestCase("../config/appsettings")]
    [TestCase("/etc/passwd")]
    [TestCase("partials/signature")]
    public void IncludeOfAPathIsRefused(string name)
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", $"subject: hi\n--- text ---\n{{% include '{name}' %}}\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That(error.Line, Is.EqualTo(3));
        Assert.That(error.Message, Does.Contain("only a partial's name"));
    }

    [Test]
    public void LeftOverHandlebarsFileIsReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", TemplateFolder.Simple);
        folder.Write("closed.en.hbs", "subject: {{tag}}\n--- text ---\nx\n--- html ---\nx\n");
        var error = Single(Validate(folder));
        Assert.That(error.File, Does.EndWith("closed.en.hbs"));
        Assert.That(error.Message, Does.Contain("closed.en.liquid"));
    }

    [Test]
    public void MissingSectionsAndSubjectAreReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "--- text ---\nonly text\n");
        var messages = Validate(folder).Select(e => e.Message).ToList();
        Assert.That(messages, Has.Some.Contains("missing 'subject:"));
        Assert.That(messages, Has.Some.Contains("missing '--- html ---' section"));
    }

    [Test]
    public void UnknownLanguageCodeIsReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", TemplateFolder.Simple);
        folder.Write("ack.xx.liquid", TemplateFolder.Simple);
        var error = Single(Validate(folder));
        Assert.That(error.File, Does.EndWith("ack.xx.liquid"));
        Assert.That(error.Message, Does.Contain("unknown language code 'xx'"));
    }

    [Test]
    public void TemplateMissingInTheDefaultLanguageIsReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.fa.liquid", TemplateFolder.Simple);
        var errors = TemplateValidator.Validate(folder.Path, "en", []);
        Assert.That(Single(errors).Message, Does.Contain("'ack' is missing in the default language 'en'"));
        Assert.That(TemplateValidator.Validate(folder.Path, "fa", []), Is.Empty);
    }

    [Test]
    public void RequiredTemplatesMustExist()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", TemplateFolder.Simple);
        var errors = TemplateValidator.Validate(folder.Path);
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains("'closed' is missing"));
        Assert.That(errors, Has.Count.EqualTo(TemplateNames.All.Count - 1));
    }

    [Test]
    public void MissingFolderIsReported() =>
        Assert.That(Single(TemplateValidator.Validate(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid()))).Message,
            Does.Contain("templates folder not found"));
}
