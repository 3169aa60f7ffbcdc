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
        var path = folder.Write("ack.en.hbs", "subject: hi\n--- text ---\nline one\n  {{#if customer.name}}Dear\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That(error.File, Does.EndWith("ack.en.hbs"));
        Assert.That(Path.GetFullPath(error.File), Is.EqualTo(path));
        Assert.That((error.Line, error.Column), Is.EqualTo((4, 3)));
        Assert.That(error.Message, Does.Contain("never closed"));
    }

    [Test]
    public void MismatchedCloseNamesTheOpeningBlock()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", "subject: hi\n--- text ---\n{{#if a}}\n{{/each}}\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That(error.Line, Is.EqualTo(4));
        Assert.That(error.Message, Does.Contain("opened at 1:1"));
    }

    [Test]
    public void MissingPartialIsReportedWithItsLine()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", "subject: hi\n--- text ---\nok\n--- html ---\n<p>x</p>\n<p>{{> signatur}}</p>\n");
        var error = Single(Validate(folder));
        Assert.That((error.Line, error.Column), Is.EqualTo((6, 4)));
        Assert.That(error.Message, Does.Contain("partial 'signatur' not found"));
    }

    [Test]
    public void UnknownHelperIsReportedWithItsLine()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", "subject: hi {{shout subject}}\n--- text ---\nok\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That((error.Line, error.Column), Is.EqualTo((1, 13)));
        Assert.That(error.Message, Does.Contain("unknown helper 'shout'"));
    }

    [Test]
    public void UnterminatedTagIsReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", "subject: hi\n--- text ---\nok {{subject\n--- html ---\n<p>x</p>\n");
        var error = Single(Validate(folder));
        Assert.That((error.Line, error.Column), Is.EqualTo((3, 4)));
    }

    [Test]
    public void BrokenPartialIsReportedInThePartialFile()
    {
        using var folder = new TemplateFolder();
        folder.Write("partials/signature.en.hbs", "--- text ---\nBye\n--- html ---\n<p>{{#if support}}Bye</p>\n");
        folder.Write("ack.en.hbs", "subject: hi\n--- text ---\n{{> signature}}\n--- html ---\n{{> signature}}\n");
        var errors = Validate(folder);
        Assert.That(errors.Any(e => e.File.EndsWith("signature.en.hbs", StringComparison.Ordinal) && e.Line == 4), Is.True, string.Join("\n", errors));
    }

    [Test]
    public void HelperFailingOnTheSampleModelIsReportedAtItsSection()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", "subject: hi\n--- text ---\nok\n--- html ---\n<p>{{date subject}}</p>\n");
        var error = Single(Validate(folder));
        Assert.That(error.Line, Is.EqualTo(5));
        Assert.That(error.Message, Does.Contain("date expects a date"));
    }

    [Test]
    public void MissingSectionsAndSubjectAreReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", "--- text ---\nonly text\n");
        var messages = Validate(folder).Select(e => e.Message).ToList();
        Assert.That(messages, Has.Some.Contains("missing 'subject:"));
        Assert.That(messages, Has.Some.Contains("missing '--- html ---' section"));
    }

    [Test]
    public void UnknownLanguageCodeIsReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", TemplateFolder.Simple);
        folder.Write("ack.xx.hbs", TemplateFolder.Simple);
        var error = Single(Validate(folder));
        Assert.That(error.File, Does.EndWith("ack.xx.hbs"));
        Assert.That(error.Message, Does.Contain("unknown language code 'xx'"));
    }

    [Test]
    public void TemplateMissingInTheDefaultLanguageIsReported()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.fa.hbs", TemplateFolder.Simple);
        var errors = TemplateValidator.Validate(folder.Path, "en", []);
        Assert.That(Single(errors).Message, Does.Contain("'ack' is missing in the default language 'en'"));
        Assert.That(TemplateValidator.Validate(folder.Path, "fa", []), Is.Empty);
    }

    [Test]
    public void RequiredTemplatesMustExist()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.hbs", TemplateFolder.Simple);
        var errors = TemplateValidator.Validate(folder.Path);
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains("'closed' is missing"));
        Assert.That(errors, Has.Count.EqualTo(TemplateNames.All.Count - 1));
    }

    [Test]
    public void MissingFolderIsReported() =>
        Assert.That(Single(TemplateValidator.Validate(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid()))).Message,
            Does.Contain("templates folder not found"));
}
