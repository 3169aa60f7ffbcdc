using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading.Corpora;

/// <summary>
/// Every message of every shared corpus through the reading layer: none may throw, and the counts
/// of messages with a sender, a text body and a delivery status stay at least where our own
/// parser had them before the switch to MimeKit (the floors below).
/// </summary>
public class CorpusParseTests
{
    // corpus, messages, with From, with a text body, with a delivery-status part: our parser's figures (issue 10, before).
    private static readonly object[] Floors =
    [
        new object[] { "mail-parser", 55, 23, 45, 0 },
        new object[] { "mime4j", 32, 10, 22, 0 },
        new object[] { "enmime", 90, 58, 78, 5 },
        new object[] { "ruby-mail", 103, 102, 91, 6 },
        new object[] { "sisimai", 707, 701, 703, 412 },
        new object[] { "mimekit", 39, 35, 29, 6 },
    ];

    [TestCaseSource(nameof(Floors))]
    public async Task EveryMessageOfTheCorpusIsReadWithoutException(string corpus, int messagesFloor, int fromFloor, int textFloor, int dsnFloor)
    {
        var dir = global::TicketWorker.Tests.Corpus.Require(corpus);
        var failures = new List<string>();
        int messages = 0, withDsn = 0, withText = 0, withFrom = 0, attachments = 0;

        foreach (var (name, bytes) in CorpusMessages.Enumerate(dir))
        {
            messages++;
            try
            {
                var message = await MessageReader.ReadAsync(new MemoryStream(bytes));
                if (message.From.Count > 0) withFrom++;
                if (!string.IsNullOrWhiteSpace(message.TextBody)) withText++;
                if (message.DeliveryStatus is not null) withDsn++;
                attachments += message.Attachments.Count;
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        TestContext.Out.WriteLine($"{corpus}: {messages} messages, {messages - failures.Count} read, {withFrom} with From, {withText} with a text body, " +
            $"{withDsn} with a message/delivery-status part, {attachments} attachments");
        Assert.Multiple(() =>
        {
            Assert.That(messages, Is.GreaterThanOrEqualTo(messagesFloor));
            Assert.That(failures, Is.Empty);
            Assert.That(withFrom, Is.GreaterThanOrEqualTo(fromFloor), "messages with a From address");
            Assert.That(withText, Is.GreaterThanOrEqualTo(textFloor), "messages with a text body");
            Assert.That(withDsn, Is.GreaterThanOrEqualTo(dsnFloor), "messages with a delivery status");
        });
    }

    [Test]
    public void ExclusionsAreFewAndEachHasAReason()
    {
        var exclusions = CorpusExclusions.Load();

        foreach (var group in exclusions.Entries.GroupBy(e => e.Corpus))
            Assert.That(group.Count(), Is.LessThanOrEqualTo(CorpusExclusions.MaxPerCorpus), $"too many exclusions for {group.Key}");
        Assert.That(exclusions.Entries.Where(e => e.Message.Length == 0 || e.Reason.Length < 20), Is.Empty, "every exclusion names a message and says why");
    }
}
