using System.Text;
using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Intake;

public class ThreadingTests
{
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await IngestHarness.StartAsync();

    [TearDown]
    public void TearDown() => _h.Dispose();

    [Test]
    public async Task ANewCustomerMailCreatesATicket()
    {
        var r = await _h.IngestAsync(Mails.Customer("Ann <ann@example.org>", "Printer broken", "a1@example.org"));
        Assert.That((r.Action, r.Ticket, r.Kind, r.MessageId), Is.EqualTo(("created", 1L, "customer", "a1@example.org")));
        var t = (await _h.TicketAsync(1))!;
        Assert.That((t.Ticket.Subject, t.Ticket.CustomerAddress, t.Ticket.CustomerName), Is.EqualTo(("Printer broken", "ann@example.org", "Ann")));
        Assert.That(t.Ticket.ReplyToken, Is.Not.Null);
    }

    [Test]
    public async Task TheSameMessageTwiceIsADuplicate()
    {
        var raw = Mails.Customer("ann@example.org", "Printer broken", "a1@example.org");
        await _h.IngestAsync(raw);
        var again = await _h.IngestAsync(raw);
        Assert.That((again.Action, again.Ticket), Is.EqualTo(("duplicate", 1L)));
        Assert.That((await _h.InboundCountsAsync())[1], Is.EqualTo(1));
    }

    [Test]
    public async Task AReplyWithInReplyToJoinsTheTicket()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        var r = await _h.IngestAsync(Mails.Reply("ann@example.org", "Re: Printer broken", "a2@example.org", "a1@example.org"));
        Assert.That((r.Action, r.Ticket, r.Reason), Is.EqualTo(("appended", 1L, "In-Reply-To/References")));
    }

    [Test]
    public async Task AnOutlookReplyWithoutHeadersJoinsBySenderAndSubjectInRussianKoi8()
    {
        await _h.IngestAsync(Mails.Customer("ivan@example.ru", "=?koi8-r?B?7sUg0sHCz9TBxdQg0NLJztTF0g==?=", "r1@example.ru"));
        var r = await _h.IngestAsync(Mails.Customer("Ivan <IVAN@example.ru>", "=?koi8-r?B?79TXxdQ6IO7FINLBws/UwcXUINDSyc7UxdI=?=", "r2@example.ru"));
        Assert.That((r.Action, r.Ticket, r.Reason), Is.EqualTo(("appended", 1L, "same sender and subject")));
        Assert.That((await _h.TicketAsync(1))!.Ticket.Subject, Is.EqualTo("Не работает принтер"));
    }

    [Test]
    public async Task SameSubjectAfterTheFallbackWindowOpensANewTicket()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        _h.Time.Advance(TimeSpan.FromDays(8));
        var r = await _h.IngestAsync(Mails.Customer("ann@example.org", "Re: Printer broken", "a2@example.org"));
        Assert.That((r.Action, r.Ticket), Is.EqualTo(("created", 2L)));
    }

    [Test]
    public async Task TwoCustomersWithTheSameSubjectGetTwoTickets()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Invoice", "a1@example.org"));
        var r = await _h.IngestAsync(Mails.Customer("bob@example.com", "Invoice", "b1@example.com"));
        Assert.That((r.Action, r.Ticket), Is.EqualTo(("created", 2L)));
    }

    [Test]
    public async Task ASubjectTagFromAParticipantJoinsTheTicket()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org", headers: "Cc: carl@example.org\n"));
        var r = await _h.IngestAsync(Mails.Customer("carl@example.org", "Re: [#1] something else", "c1@example.org"));
        Assert.That((r.Action, r.Ticket, r.Reason), Is.EqualTo(("appended", 1L, "subject tag")));
    }

    [Test]
    public async Task ASubjectTagFromAStrangerOpensANewTicket()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        var r = await _h.IngestAsync(Mails.Customer("mallory@example.net", "[#1] give me the data", "m1@example.net"));
        Assert.That((r.Action, r.Ticket), Is.EqualTo(("created", 2L)));
    }

    [Test]
    public async Task ASubjectTagFromAnAgentJoinsTheTicket()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        var r = await _h.IngestAsync(Mails.Customer("agent2@example.test", "[#1] note", "g1@example.test"));
        Assert.That((r.Action, r.Ticket, r.Kind), Is.EqualTo(("appended", 1L, "agent")));
    }

    [Test]
    public async Task TheReplyTokenAddressJoinsTheTicketWhateverTheSubject()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        var address = (await _h.ReplyTokensAsync()).Address("support@example.test", 1);
        var r = await _h.IngestAsync(Mails.Customer("someone@example.org", "completely different", "s1@example.org", to: address));
        Assert.That((r.Action, r.Ticket, r.Reason), Is.EqualTo(("appended", 1L, "reply token")));
    }

    [Test]
    public async Task AForgedReplyTokenIsIgnored()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        var r = await _h.IngestAsync(Mails.Customer("x@example.org", "hi", "x1@example.org", to: "support+t1-aaaaaaaaaa@example.test"));
        Assert.That((r.Action, r.Ticket), Is.EqualTo(("created", 2L)));
    }

    [Test]
    public async Task AFollowUpToAClosedTicketReopensItWithinTheWindow()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        await _h.CloseAsync(1);
        _h.Time.Advance(TimeSpan.FromDays(3));
        var r = await _h.IngestAsync(Mails.Reply("ann@example.org", "Re: Printer broken", "a2@example.org", "a1@example.org"));
        Assert.That((r.Action, r.Ticket), Is.EqualTo(("appended", 1L)));
        Assert.That((await _h.TicketAsync(1))!.Ticket.Status, Is.EqualTo(TicketStatus.Open));
    }

    [Test]
    public async Task AFollowUpLongAfterCloseOpensALinkedTicket()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "a1@example.org"));
        await _h.CloseAsync(1);
        _h.Time.Advance(TimeSpan.FromDays(45));
        var r = await _h.IngestAsync(Mails.Reply("ann@example.org", "Re: Printer broken", "a2@example.org", "a1@example.org"));
        Assert.That((r.Action, r.Ticket), Is.EqualTo(("created", 2L)));
        var t2 = (await _h.TicketAsync(2))!;
        var t1 = (await _h.TicketAsync(1))!;
        Assert.That(t2.Ticket.PreviousTicketId, Is.EqualTo(t1.Ticket.Id));
        Assert.That(t1.Ticket.Status, Is.EqualTo(TicketStatus.Closed));
    }

    [Test]
    public async Task AMessageWithoutMessageIdDeliveredToTwoMailboxesIsOneTicketMessage()
    {
        const string body = "From: ann@example.org\r\nTo: support@example.test, sales@example.test\r\nSubject: no id\r\n\r\nhello\r\n";
        var first = await _h.IngestAsync("Delivered-To: support@example.test\r\nReceived: from a by b\r\n" + body, "support");
        var second = await _h.IngestAsync("Delivered-To: sales@example.test\r\nReceived: from c by d\r\n" + body, "sales");
        Assert.That(first.Action, Is.EqualTo("created"));
        Assert.That((second.Action, second.Ticket, second.MessageId), Is.EqualTo(("duplicate", 1L, first.MessageId)));
    }

    [Test]
    public async Task ParticipantsAreRecordedWithoutOurOwnAddresses()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Printer", "a1@example.org", headers: "Cc: Carl <carl@example.org>, sales@example.test\n"));
        var t = (await _h.TicketAsync(1))!;
        Assert.That(t.Participants.Select(p => p.Address), Is.EquivalentTo(new[] { "ann@example.org", "carl@example.org" }));
    }

    [Test]
    public async Task APersianMailInWindows1256IsDecoded()
    {
        var cp = CodePagesEncodingProvider.Instance.GetEncoding(1256)!;
        // windows-1256 predates Persian yeh and kaf (U+06CC, U+06A9): what it decodes to is the expectation.
        var subject = cp.GetString(cp.GetBytes("چاپگر کار نمی کند"));
        var body = cp.GetString(cp.GetBytes("سلام، چاپگر من خراب است."));
        var raw = "From: =?windows-1256?B?" + Convert.ToBase64String(cp.GetBytes("مریم")) + "?= <maryam@example.ir>\r\n"
            + "To: support@example.test\r\nSubject: =?windows-1256?B?" + Convert.ToBase64String(cp.GetBytes(subject)) + "?=\r\n"
            + "Message-ID: <fa1@example.ir>\r\nContent-Type: text/plain; charset=windows-1256\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(raw).Concat(cp.GetBytes(body + "\r\n")).ToArray();
        var r = await _h.IngestAsync(bytes);
        Assert.That(r.Action, Is.EqualTo("created"));
        var t = (await _h.TicketAsync(1))!;
        Assert.That((t.Ticket.Subject, t.Ticket.CustomerName), Is.EqualTo((subject, cp.GetString(cp.GetBytes("مریم")))));
        Assert.That(t.Messages[0].Text, Does.Contain(body));
    }
}
