using MimeKit;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Replies;

/// <summary>Templates through the worker: from an ingested mail to the acknowledgement queued in the outbox.</summary>
public class TemplateOutboxTests
{
    private static async Task<IReadOnlyList<OutboxItem>> OutboxAsync(IngestHarness h) =>
        await h.App.Database.InReadAsync(tx => h.App.Outbox.ListAsync(tx, null, 100));

    private static string TemplatesPathSetting(string path) => $", \"TemplatesPath\": \"{path}\"";

    [Test]
    public async Task ScriptInTheCustomersDisplayNameIsEscapedInTheQueuedHtmlAndVerbatimInTheText()
    {
        using var h = await IngestHarness.StartAsync(extraSettings: TemplatesPathSetting(TemplateFolder.Shipped()));
        await h.IngestAsync(Mails.Customer("\"<script>alert(1)</script>\" <customer8@example.test>", "Printer broken", $"xss-{Guid.NewGuid():N}@example.test"));
        await h.App.ComposeQueuedAsync();

        var listed = (await OutboxAsync(h)).Single();
        var item = (await h.App.Database.InReadAsync(tx => h.App.Outbox.GetAsync(tx, listed.Id)))!;
        var message = MimeMessage.Load(new MemoryStream(item.Raw));

        Assert.That(item.Status, Is.EqualTo(OutboxStatus.Queued));
        Assert.That(message.TextBody, Does.Contain("Dear <script>alert(1)</script>,"));
        Assert.That(message.HtmlBody, Does.Contain("Dear &lt;script&gt;alert(1)&lt;/script&gt;,"));
        Assert.That(message.HtmlBody, Does.Not.Contain("<script>"));
    }

    [Test]
    public async Task TemplateThatLoopsWithoutEndSendsNothingAndFailsTheRowWithTheReason()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: Re: {{ subject }} {{ tag }}\n--- text ---\n{% for i in (1..2000000000) %}{{ i }}{% endfor %}\n--- html ---\n<p>x</p>\n");
        using var h = await IngestHarness.StartAsync(extraSettings: TemplatesPathSetting(folder.Path));

        var result = await h.IngestAsync(Mails.Customer("customer9@example.test", "Printer broken", $"loop-{Guid.NewGuid():N}@example.test"));

        Assert.That(result.Action, Is.EqualTo("created"), "the ticket itself is kept");
        // The sender writes the acknowledgement before its first attempt: the template fails there, and nothing is sent.
        var round = await h.App.Sender("test").RunOnceAsync();
        Assert.That((round.Sent, round.Failed), Is.EqualTo((0, 1)));
        var listed = (await OutboxAsync(h)).Single();
        var item = (await h.App.Database.InReadAsync(tx => h.App.Outbox.GetAsync(tx, listed.Id)))!;
        Assert.That((item.Status, item.Raw.Length), Is.EqualTo((OutboxStatus.Failed, 0)));
        Assert.That(item.LastError, Does.Contain("template failed").And.Contain("ack.en.liquid:3:").And.Contain("LoopLimit"));
    }
}
