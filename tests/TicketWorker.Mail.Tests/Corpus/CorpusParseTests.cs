using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Corpus;

public class CorpusParseTests
{
    private static readonly string[] Corpora = ["mail-parser", "mime4j", "enmime", "ruby-mail", "sisimai", "mimekit"];

    [TestCaseSource(nameof(Corpora))]
    public async Task EveryMessageOfTheCorpusParsesWithoutException(string corpus)
    {
        var dir = CorpusLocator.Require(corpus);
        var failures = new List<string>();
        int messages = 0, withDsn = 0, withText = 0, withFrom = 0;

        foreach (var (name, bytes) in CorpusMessages.Enumerate(dir))
        {
            messages++;
            try
            {
                using var stream = new MemoryStream(bytes);
                using var message = await MimeMessage.ParseAsync(stream);
                // Touch everything a consumer would read; lazy values must not throw either.
                if (message.From.Count > 0) withFrom++;
                if (!string.IsNullOrWhiteSpace(message.TextBody)) withText++;
                _ = (message.Subject, message.Date, message.MessageId, message.References, message.HtmlBody);
                foreach (var attachment in message.Attachments) _ = (attachment.FileName, attachment.Size, attachment.IsInline);
                foreach (var part in message.AllParts()) _ = part.GetText();
                if (message.AllParts().Any(p => p.ContentType.Is("message", "delivery-status") || p.ContentType.Is("message", "global-delivery-status"))) withDsn++;
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        TestContext.Out.WriteLine($"{corpus}: {messages} messages, {messages - failures.Count} parsed, {withFrom} with From, {withText} with a text body, {withDsn} with a message/delivery-status part");
        Assert.That(messages, Is.GreaterThan(0));
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void ExclusionsAreFewAndEachHasAReason()
    {
        var exclusions = CorpusExclusions.Load();

        foreach (var group in exclusions.Entries.GroupBy(e => e.Corpus))
        {
            Assert.That(group.Count(), Is.LessThanOrEqualTo(CorpusExclusions.MaxPerCorpus), $"too many exclusions for {group.Key}");
        }
        Assert.That(exclusions.Entries.Where(e => e.Message.Length == 0 || e.Reason.Length < 20), Is.Empty, "every exclusion names a message and says why");
    }
}
