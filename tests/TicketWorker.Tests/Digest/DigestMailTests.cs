using System.Text.RegularExpressions;
using MailKit.Search;
using MimeKit;
using SkiaSharp;
using TicketWorker.Digest;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Digest;

/// <summary>The digest as it is queued in the outbox and as it reaches an admin's mailbox through Postfix and Dovecot.</summary>
public partial class DigestMailTests
{
    private static readonly DateOnly Day = new(2026, 3, 10);
    private DigestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await DigestHarness.StartAsync();
        var t1 = await _h.TicketAsync("agent1@example.test", "support", "2026-03-10T08:00Z", "2026-03-10T09:00Z", "2026-03-10T12:00Z");
        await _h.AgentMailAsync(t1, "agent1@example.test", "2026-03-10T09:00Z");
        await _h.AgentMailAsync(t1, "agent1@example.test", "2026-03-10T12:00Z", kind: "note");
        var t2 = await _h.TicketAsync("agent2@example.test", "sales", "2026-03-09T10:00Z", "2026-03-10T10:30Z", due: "2026-03-10T12:00Z");
        await _h.AgentMailAsync(t2, "agent2@example.test", "2026-03-10T10:30Z");
        await _h.TicketAsync(null, null, "2026-03-04T10:00Z");
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private async Task<MimeMessage> QueuedAsync(string recipient)
    {
        var row = await _h.App.Database.InReadAsync(tx => _h.App.Outbox.FindByKeyAsync(tx, DigestSender.Key(Day, recipient)));
        Assert.That(row, Is.Not.Null, $"no outbox row for {recipient}");
        Assert.That((row!.Kind, row.Recipients, row.EnvelopeFrom, row.Mailbox), Is.EqualTo(("digest", new[] { recipient }, "support@example.test", "support")));
        return MimeMessage.Load(new MemoryStream(row.Raw));
    }

    /// <summary>The parts of the digest mail: multipart/alternative(text/plain, multipart/related(text/html, image/png)).</summary>
    internal static (TextPart Text, TextPart Html, MimePart Png) Parts(MimeMessage mail)
    {
        if (mail.Body is not MultipartAlternative alternative)
        {
            Assert.Fail($"the body is {mail.Body?.ContentType.MimeType}, not multipart/alternative");
            throw new InvalidOperationException();
        }
        Assert.That(alternative.Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "multipart/related" }));
        var related = (MultipartRelated)alternative[1];
        Assert.That(related.Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/html", "image/png" }));
        return ((TextPart)alternative[0], (TextPart)related[0], (MimePart)related[1]);
    }

    internal static SKBitmap Decode(MimePart png)
    {
        using var bytes = new MemoryStream();
        png.Content!.DecodeTo(bytes);
        var bitmap = SKBitmap.Decode(bytes.ToArray());
        Assert.That(bitmap, Is.Not.Null, "the inline image is not a readable PNG");
        return bitmap!;
    }

    [Test]
    public async Task TheMailHasATextPartAnHtmlPartAndTheChartInlineUnderTheContentIdTheHtmlNames()
    {
        await _h.Sender.QueueAsync(Day, ["lead@example.test"]);

        var mail = await QueuedAsync("lead@example.test");
        var (text, html, png) = Parts(mail);

        Assert.That(mail.Subject, Is.EqualTo("Support digest 2026-03-10: 1 new, 2 answered, 1 closed, 2 open"));
        Assert.That(mail.To.Mailboxes.Single().Address, Is.EqualTo("lead@example.test"));
        Assert.That(mail.Headers[HeaderId.AutoSubmitted], Is.EqualTo("auto-generated"));
        var cid = CidReference().Match(html.Text);
        Assert.That(cid.Success, Is.True, "the HTML refers to the chart by cid:");
        Assert.That(png.ContentId, Is.EqualTo(cid.Groups[1].Value));
        Assert.That(png.ContentDisposition?.Disposition, Is.EqualTo(ContentDisposition.Inline));
        using var bitmap = Decode(png);
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((DigestChart.Width, DigestChart.Height)));
        Assert.That(bitmap.Pixels.Distinct().Count(), Is.GreaterThan(10), "the chart is not a blank image");
        Assert.That(bitmap.Pixels, Does.Contain(new SKColor(0x2f, 0x6f, 0xb3)).And.Contain(new SKColor(0x3a, 0x9a, 0x5b)), "the bars of new and closed tickets are drawn");
    }

    [Test]
    public async Task TheTextPartAndTheHtmlPartCarryTheSameFigures()
    {
        await _h.Sender.QueueAsync(Day, ["lead@example.test"]);

        var (textPart, html, _) = Parts(await QueuedAsync("lead@example.test"));
        var text = textPart.Text.ReplaceLineEndings("\n");

        // One ticket answered after 1h, one after 8h30m of business time (24h30m elapsed); T1 resolved in 4h; T2's
        // resolution due at noon and open: a breach.
        Assert.That(text, Does.Contain("Support digest for Tuesday, 10 March 2026 (Europe/Berlin)"));
        Assert.That(text, Does.Contain("  new  answered  closed  SLA breaches  open backlog\n    1         2       1             1             2\n"));
        Assert.That(text, Does.Contain("SLA breaches on the day: 0 first response, 1 resolution\n"));
        Assert.That(text, Does.Contain("Response times (business hours of each ticket's team calendar)\n"));
        Assert.That(text, Does.Contain("  first response        2  1h 00m  8h 30m\n"));
        Assert.That(text, Does.Contain("  resolution            1  4h 00m  4h 00m\n"));
        Assert.That(text, Does.Contain("  Agent Two <agent2@example.test>      0         1       0         1     1        1              8h 30m\n"));
        Assert.That(text, Does.Contain("  < 1 day  1-3 days  3-7 days  > 7 days  total  overdue\n        0         1         1         0      2        1\n"));
        Assert.That(text, Does.Contain("  (unassigned)                         0         0       0         0     1        0                   -\n"));
        Assert.That(html.Text, Does.Contain(">Agent Two &lt;agent2@example.test&gt;</td>"));
        Assert.That(html.Text, Does.Contain(">first response</td>").And.Contain(">8h 30m</td>"));
        Assert.That(html.Text, Does.Contain(">Response times (business hours of each ticket&#39;s team calendar)</h2>"));
        // Mail clients drop stylesheets and external or vector images: inline styles and the cid: image only.
        Assert.That(html.Text, Does.Not.Contain("<style").And.Not.Contain("<link").And.Not.Contain("<svg").And.Not.Contain("http"));
    }

    [Test]
    public async Task TheDigestReachesTheAdminsInboxThroughTheOutbox()
    {
        var queued = await _h.Sender.QueueAsync(Day, ["lead@example.test"]);

        var run = await _h.App.Sender("digest-test").RunOnceAsync();

        Assert.That(run.Sent, Is.EqualTo(1));
        using var mailbox = await TestMailbox.ConnectAsync("lead");
        var uids = await mailbox.WaitForAsync("INBOX", SearchQuery.HeaderContains("Message-ID", queued[0].Item.MessageId));
        Assert.That(uids, Has.Count.EqualTo(1));
        var (_, html, png) = Parts(await mailbox.GetMessageAsync("INBOX", uids[0]));
        Assert.That(html.Text, Does.Contain($"cid:{png.ContentId}"));
        using var bitmap = Decode(png);
        Assert.That(bitmap.Width, Is.EqualTo(DigestChart.Width));
    }

    [GeneratedRegex("<img src=\"cid:([^\"]+)\"")]
    private static partial Regex CidReference();
}
