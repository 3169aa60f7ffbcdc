using System.Text;
using MailKit;
using MailKit.Search;
using TicketWorker.Outbox;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Outbox;

/// <summary>Sent-folder copies over MailKit against both IMAP profiles: one session per batch, the folder created where the namespace wants it.</summary>
[TestFixture(ImapProfile.DefaultName)]
[TestFixture(ImapProfile.HostedName)]
public class ImapSentFolderAppenderTests(string profileName)
{
    private readonly ImapProfile _profile = ImapProfile.Of(profileName);

    private static OutboxItem Item(int i, string run) => new()
    {
        Id = i,
        Kind = "ack",
        MessageId = $"sent-{run}-{i}@example.test",
        Raw = Encoding.UTF8.GetBytes(Mails.Customer("support@example.test", $"Copy {i}", $"sent-{run}-{i}@example.test", to: "customer5@example.test").ReplaceLineEndings("\r\n")),
    };

    [Test]
    public async Task ABatchOfCopiesUsesOneSessionAndLandsSeenInAFolderCreatedWhenMissing()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var folder = "Sent-" + run;
        using var h = await IngestHarness.StartAsync(mailboxes: IngestHarness.StackMailbox("support", "INBOX", extra: $"\"SentFolder\": \"{folder}\",", port: _profile.Port));
        var mailbox = h.App.Options.Mailboxes.Single();
        var appender = new ImapSentFolderAppender(h.App.Settings);
        try
        {
            for (var i = 0; i < 3; i++) await appender.AppendAsync(mailbox, Item(i, run), DateTimeOffset.UtcNow);
            await appender.EndBatchAsync();
            await appender.AppendAsync(mailbox, Item(3, run), DateTimeOffset.UtcNow);
            await appender.EndBatchAsync();

            Assert.That(appender.SessionsOpened, Is.EqualTo(2), "one IMAP session per batch");
            using var check = await TestMailbox.ConnectAsync("support", _profile);
            Assert.That(await check.SearchAsync(folder, SearchQuery.All), Has.Count.EqualTo(4));
            Assert.That(await check.SearchAsync(folder, SearchQuery.NotSeen), Is.Empty);
            Assert.That(await check.SearchAsync(folder, SearchQuery.HeaderContains("Message-ID", $"sent-{run}-2@example.test")), Has.Count.EqualTo(1));
        }
        finally
        {
            await appender.DisposeAsync();
            using var cleanup = await TestMailbox.ConnectAsync("support", _profile);
            await cleanup.DeleteFolderAsync(folder);
        }
    }
}
