using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Tests.Encodings;

public class ModifiedUtf7Tests
{
    [Test]
    public void DecodesTheExampleOfRfc3501()
    {
        Assert.That(ModifiedUtf7.Decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), Is.EqualTo("~peter/mail/台北/日本語"));
    }

    [TestCase("INBOX", "INBOX")]
    [TestCase("Tom & Jerry", "Tom &- Jerry")]
    [TestCase("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [TestCase("☺!", "&Jjo-!")]
    public void EncodesMailboxNames(string name, string expected)
    {
        Assert.That(ModifiedUtf7.Encode(name), Is.EqualTo(expected));
    }

    [TestCase("Отправленные")]
    [TestCase("صندوق ورودی")]
    [TestCase("Εισερχόμενα/Πελάτες")]
    [TestCase("Gelöschte Elemente")]
    [TestCase("已发送邮件")]
    [TestCase("a&b&&c 😀")]
    public void RoundTripsFolderNamesInManyLanguages(string name)
    {
        var encoded = ModifiedUtf7.Encode(name);

        Assert.That(encoded.All(c => c is >= ' ' and <= '~'), Is.True, encoded);
        Assert.That(ModifiedUtf7.Decode(encoded), Is.EqualTo(name));
    }

    [Test]
    public void EncodesShiftedRunsWithCommaInsteadOfSlash()
    {
        var encoded = ModifiedUtf7.Encode("台北");

        Assert.That(encoded, Is.EqualTo("&U,BTFw-"));
        Assert.That(encoded, Does.Not.Contain("/"));
    }

    [Test]
    public void DecodingIsLenientWithBrokenNames()
    {
        Assert.That(ModifiedUtf7.Decode("Sent&"), Is.EqualTo("Sent&"));
        Assert.That(ModifiedUtf7.Decode("Tom & Jerry"), Is.EqualTo("Tom & Jerry"));
        Assert.That(ModifiedUtf7.Decode("Gelöschte"), Is.EqualTo("Gelöschte"), "raw UTF-8 from UTF8=ACCEPT servers passes");
    }
}
