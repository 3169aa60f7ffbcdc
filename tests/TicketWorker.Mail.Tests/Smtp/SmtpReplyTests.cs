using TicketWorker.Mail.Smtp;

namespace TicketWorker.Mail.Tests.Smtp;

public class SmtpReplyTests
{
    [Test]
    public void EnhancedStatusCodeIsTakenOffEveryLine()
    {
        var reply = new SmtpReply(550, ["5.1.1 <x@example.test>: unknown", "5.1.1 see https://example.test/help"]);

        Assert.That(reply.EnhancedStatusCode, Is.EqualTo("5.1.1"));
        Assert.That(reply.Text, Is.EqualTo("<x@example.test>: unknown\nsee https://example.test/help"));
        Assert.That(reply.IsPermanentFailure, Is.True);
        Assert.That(reply.ToString(), Is.EqualTo("550 5.1.1 <x@example.test>: unknown\nsee https://example.test/help"));
    }

    [Test]
    public void TextThatOnlyLooksLikeAnEnhancedCodeOfAnotherClassStaysText()
    {
        var reply = new SmtpReply(250, ["4.2.0 is the version"]);

        Assert.That(reply.EnhancedStatusCode, Is.Null);
        Assert.That(reply.Text, Is.EqualTo("4.2.0 is the version"));
    }

    [TestCase(250, true, false, false)]
    [TestCase(354, false, false, false)]
    [TestCase(451, false, true, false)]
    [TestCase(554, false, false, true)]
    public void ClassifiesByFirstDigit(int code, bool success, bool transient, bool permanent)
    {
        var reply = new SmtpReply(code, ["text"]);

        Assert.That((reply.IsSuccess, reply.IsTransientFailure, reply.IsPermanentFailure), Is.EqualTo((success, transient, permanent)));
    }

    [Test]
    public void QueueIdIsFoundInPostfixAndEximReplies()
    {
        var postfix = new SmtpSendResult([], new SmtpReply(250, ["2.0.0 Ok: queued as 4dFq1x0Rz3z9"]));
        var exim = new SmtpSendResult([], new SmtpReply(250, ["OK id=1tAbCd-000123-Xy"]));
        var other = new SmtpSendResult([], new SmtpReply(250, ["Message accepted"]));

        Assert.That((postfix.QueueId, exim.QueueId, other.QueueId), Is.EqualTo(("4dFq1x0Rz3z9", "1tAbCd-000123-Xy", (string?)null)));
    }

    [Test]
    public void EnvelopeRefusesAddressesThatCouldInjectCommands()
    {
        Assert.That(() => new SmtpEnvelope("a@example.test", "b@example.test>\r\nRCPT TO:<c@example.test"), Throws.ArgumentException);
        Assert.That(() => new SmtpEnvelope("a@example.test", "no-at-sign"), Throws.ArgumentException);
        Assert.That(() => new SmtpEnvelope("a@example.test"), Throws.ArgumentException);
        Assert.That(new SmtpEnvelope("", "b@example.test").From, Is.Empty);
    }
}
