using System.Text;
using TicketWorker.Classification;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Classification;

public class MessageClassifierTests
{
    private static readonly MessageClassifier Classifier = new(a => a.Equals("agent1@example.test", StringComparison.OrdinalIgnoreCase));

    private static async Task<TicketWorker.Classification.Classification> Classify(string raw)
    {
        var m = await MessageReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));
        return Classifier.Classify(m);
    }

    private static string Mail(string headers, string subject = "Hello", string from = "ann@example.org", string body = "text") =>
        $"From: {from}\nTo: support@example.test\nSubject: {subject}\nMessage-ID: <x@example.org>\n{headers}\n{body}\n";

    [Test]
    public async Task PlainMailIsCustomerMail() => Assert.That((await Classify(Mail(""))).Kind, Is.EqualTo(MessageKind.Customer));

    [Test]
    public async Task MailFromAnAgentAddressIsAgentMail() =>
        Assert.That((await Classify(Mail("", from: "Agent <AGENT1@example.test>"))).Kind, Is.EqualTo(MessageKind.Agent));

    [TestCase("Auto-Submitted: auto-replied\n")]
    [TestCase("Auto-Submitted: auto-generated\n")]
    [TestCase("X-Autoreply: yes\n")]
    [TestCase("X-Autorespond: yes\n")]
    [TestCase("Precedence: auto_reply\n")]
    public async Task AutomaticReplyHeadersMakeAnAutoReply(string header) =>
        Assert.That((await Classify(Mail(header))).Kind, Is.EqualTo(MessageKind.AutoReply));

    [Test]
    public async Task AutoSubmittedNoIsOrdinaryMail() =>
        Assert.That((await Classify(Mail("Auto-Submitted: no\n"))).Kind, Is.EqualTo(MessageKind.Customer));

    [TestCase("Out of Office: Printer broken")]
    [TestCase("Automatic reply: Printer broken")]
    [TestCase("Abwesenheitsnotiz: Drucker")]
    [TestCase("Réponse automatique : Imprimante")]
    [TestCase("Автоответ: Не работает принтер")]
    [TestCase("Αυτόματη απάντηση: Εκτυπωτής")]
    [TestCase("پاسخ خودکار: چاپگر")]
    [TestCase("自动回复: 打印机坏了")]
    [TestCase("自動返信: プリンター")]
    public async Task OutOfOfficeSubjectsMakeAnAutoReply(string subject) =>
        Assert.That((await Classify(Mail("", subject: "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(subject)) + "?="))).Kind,
            Is.EqualTo(MessageKind.AutoReply));

    [TestCase("Vacation booking problem")]
    [TestCase("Absence of invoice")]
    [TestCase("Reply needed")]
    public async Task SubjectsThatMerelyMentionAbsenceAreCustomerMail(string subject) =>
        Assert.That((await Classify(Mail("", subject: subject))).Kind, Is.EqualTo(MessageKind.Customer));

    [Test]
    public async Task PrecedenceBulkIsBulk() => Assert.That((await Classify(Mail("Precedence: bulk\n"))).Kind, Is.EqualTo(MessageKind.Bulk));

    [Test]
    public async Task ListUnsubscribeWithoutListIdIsBulk() =>
        Assert.That((await Classify(Mail("List-Unsubscribe: <mailto:u@example.org>\n"))).Kind, Is.EqualTo(MessageKind.Bulk));

    [Test]
    public async Task ListIdIsListMail() =>
        Assert.That((await Classify(Mail("List-Id: <users.lists.example.org>\nList-Unsubscribe: <mailto:u@example.org>\n"))).Kind, Is.EqualTo(MessageKind.List));

    private const string Dsn = """
        From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
        To: support@example.test
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <dsn1@mx.example.org>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        I'm sorry to have to inform you that your message could not be delivered.
        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.org

        Final-Recipient: rfc822; nobody@example.org
        Action: {0}
        Status: 5.1.1

        --B
        Content-Type: message/rfc822

        From: support@example.test
        To: nobody@example.org
        Subject: [#1] Your ticket
        Message-ID: <ack-1@example.test>

        Thanks for writing.
        --B--
        """;

    [Test]
    public async Task ADeliveryStatusReportIsABounceNamingTheReturnedMessage()
    {
        var c = await Classify(string.Format(Dsn, "failed"));
        Assert.That(c.Kind, Is.EqualTo(MessageKind.Bounce));
        Assert.That(c.ReturnedMessageIds, Is.EqualTo(new[] { "ack-1@example.test" }));
    }

    [Test]
    public async Task ASuccessfulDeliveryReportIsNoBounceButNeverAnswered()
    {
        var c = await Classify(string.Format(Dsn, "delivered"));
        Assert.That(c.Kind, Is.EqualTo(MessageKind.AutoReply));
        Assert.That(c.Kind.NeverAnswer(), Is.True);
    }

    [Test]
    public async Task AMailerDaemonWithANullSenderIsABounce()
    {
        var c = await Classify("Return-Path: <>\nFrom: MAILER-DAEMON@example.org\nTo: support@example.test\nSubject: failure notice\n\nHi. This is the qmail-send program.\n\n--- Below this line is a copy of the message.\n\nMessage-ID: <ack-7@example.test>\nSubject: x\n");
        Assert.That(c.Kind, Is.EqualTo(MessageKind.Bounce));
        Assert.That(c.ReturnedMessageIds, Is.EqualTo(new[] { "ack-7@example.test" }));
    }

    [Test]
    public async Task AnOutOfOfficeFromAnAgentIsStillAnAutoReply() =>
        Assert.That((await Classify(Mail("Auto-Submitted: auto-replied\n", from: "agent1@example.test"))).Kind, Is.EqualTo(MessageKind.AutoReply));
}
