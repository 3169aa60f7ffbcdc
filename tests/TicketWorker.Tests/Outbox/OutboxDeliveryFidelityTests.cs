using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using TicketWorker.Mail.Writing;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>
/// What Postfix delivered, read back from the customer's INBOX over IMAP, against the stored outbox
/// row: the bytes are the row's (trace fields added by Postfix and Dovecot excepted), also after a retry.
/// </summary>
[TestFixture]
public sealed class OutboxDeliveryFidelityTests
{
    // RFC 5321 §4.4 trace fields and what Dovecot's LMTP delivery prepends; nothing else may differ.
    // Authentication-Results: OpenDKIM (install/agent-auth.sh) adds it on receipt; RFC 8601 §2.1 treats it as a trace field.
    private static readonly HashSet<string> TraceFields = new(StringComparer.OrdinalIgnoreCase) { "Return-Path", "Delivered-To", "Received", "X-Original-To", "Authentication-Results" };

    [Test, CancelAfter(90_000)]
    public async Task AMessageCutOffDuringDataIsRetriedAndPostfixDeliversTheStoredBytesOnce()
    {
        await using var proxy = new SmtpCuttingProxy(OutboxMailStack.Host, OutboxMailStack.SmtpPort, connectionsToCut: 1);
        using var h = await OutboxHarness.StartAsync(proxy.Port);
        var queued = (await h.EnqueueAsync(
            "customer12@example.test",
            subject: "[#4] Ваш запрос принят — Το αίτημά σας — درخواست شما",
            text: "Здравствуйте! Γεια σας! سلام، درخواست شما ثبت شد.\n.a line that starts with a dot\n")).Item;

        var cut = await h.Sender().RunOnceAsync();
        var waiting = await h.RowAsync(queued.Id);
        h.Time.Advance(waiting.NextAttemptAt - h.Time.GetUtcNow());
        var retried = await h.Sender().RunOnceAsync();

        Assert.That(proxy.Cuts, Is.EqualTo(1), "the first attempt was cut inside DATA");
        Assert.That((cut.Sent, cut.Rescheduled), Is.EqualTo((0, 1)));
        Assert.That((retried.Sent, (await h.RowAsync(queued.Id)).Attempts), Is.EqualTo((1, 2)));
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer12", queued.MessageId), Is.EqualTo(1), "the cut attempt delivered nothing");
        var delivered = await FetchRawAsync("customer12", queued.MessageId);
        AssertIsStoredBytesAfterTraceFields(delivered, queued.Raw);
    }

    [Test, CancelAfter(60_000)]
    public async Task PostfixDeliversTheStoredBytesOfAMessageWithAttachmentsUnchanged()
    {
        using var h = await OutboxHarness.StartAsync();
        var written = await new MailWriter(h.Time).WriteAsync(new OutgoingMail
        {
            From = new OutgoingAddress("Υποστήριξη", "support@example.test"),
            To = [new OutgoingAddress("Мария", "customer13@example.test")],
            Subject = "[#5] فاکتور شما",
            Text = "فاکتور پیوست است.\n",
            Html = "<p dir=\"rtl\">فاکتور پیوست است.<img src=\"cid:logo@example.test\"></p>",
            Attachments =
            [
                new("logo.png", "image/png", new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0, 1, 2, 255])) { IsInline = true, ContentId = "logo@example.test" },
                new("فاکتور ۱۲.pdf", "application/pdf", new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.4\n%\u00e2\u00e3\n"))),
            ],
        });
        var queued = (await h.EnqueueRawAsync(written.Raw, written.MessageId, ["customer13@example.test"])).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Sent, Is.EqualTo(1), (await h.RowAsync(queued.Id)).LastError);
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer13", queued.MessageId), Is.EqualTo(1));
        AssertIsStoredBytesAfterTraceFields(await FetchRawAsync("customer13", queued.MessageId), queued.Raw);
    }

    private static void AssertIsStoredBytesAfterTraceFields(byte[] delivered, byte[] stored)
    {
        Assert.That(delivered.Length, Is.GreaterThanOrEqualTo(stored.Length));
        var prefixLength = delivered.Length - stored.Length;
        Assert.That(delivered.AsSpan(prefixLength).SequenceEqual(stored), Is.True, "the delivered message ends with exactly the stored bytes");
        var prefix = Encoding.ASCII.GetString(delivered, 0, prefixLength);
        var fields = prefix.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Where(l => l[0] is not (' ' or '\t')).Select(l => l.Split(':', 2)[0]).ToList();
        TestContext.Out.WriteLine($"added by Postfix and Dovecot: {string.Join(", ", fields)}");
        Assert.That(prefix.Length == 0 || prefix.EndsWith("\r\n", StringComparison.Ordinal), Is.True);
        Assert.That(fields, Is.All.Matches<string>(TraceFields.Contains), "only trace fields were added");
    }

    private static async Task<byte[]> FetchRawAsync(string user, string messageId)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(OutboxMailStack.Host, OutboxMailStack.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync($"{user}@example.test", OutboxMailStack.Password);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId));
        Assert.That(uids, Has.Count.EqualTo(1), $"<{messageId}> in {user}'s INBOX");
        using var stream = await inbox.GetStreamAsync(uids[0], "");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        await client.DisconnectAsync(quit: true);
        return copy.ToArray();
    }
}
