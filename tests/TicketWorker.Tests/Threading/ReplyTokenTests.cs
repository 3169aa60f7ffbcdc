using TicketWorker.Threading;

namespace TicketWorker.Tests.Threading;

public class ReplyTokenTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Test]
    public void AnIssuedTokenVerifiesToItsTicket()
    {
        var tokens = new ReplyToken(Key);
        Assert.That(tokens.Verify(tokens.Issue(42)), Is.EqualTo(42));
    }

    [Test]
    public void TokensSurviveCaseFolding()
    {
        var tokens = new ReplyToken(Key);
        Assert.That(tokens.Verify(tokens.Issue(7).ToUpperInvariant()), Is.EqualTo(7));
    }

    [Test]
    public void AnEditedNumberIsRejected()
    {
        var tokens = new ReplyToken(Key);
        var token = tokens.Issue(42);
        Assert.That(tokens.Verify("t43" + token[3..]), Is.Null);
    }

    [Test]
    public void AnotherKeyRejectsTheToken()
    {
        var other = new ReplyToken(Key.Reverse().ToArray());
        Assert.That(other.Verify(new ReplyToken(Key).Issue(42)), Is.Null);
    }

    [TestCase("")]
    [TestCase("t-abc")]
    [TestCase("x42-aaaaaaaaaa")]
    [TestCase("t42")]
    public void GarbageIsRejected(string token) => Assert.That(new ReplyToken(Key).Verify(token), Is.Null);

    [Test]
    public void TheTokenIsFoundInAPlusAddressOfOurMailbox()
    {
        var tokens = new ReplyToken(Key);
        var address = tokens.Address("support@example.test", 42);
        Assert.That(ReplyToken.FromAddress(address, ["support@example.test"]), Is.EqualTo(tokens.Issue(42)));
        Assert.That(ReplyToken.FromAddress(address, ["sales@example.test"]), Is.Null);
    }
}
