using System.Text;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;
using TicketWorker.Mail.Smtp;
using TicketWorker.Mail.Tests.Infrastructure;

namespace TicketWorker.Mail.Tests.Smtp;

/// <summary>Sending (MAIL, RCPT, DATA) against recorded transcripts.</summary>
public partial class SmtpClientTranscriptTests
{
    [Test, CancelAfter(10_000)]
    public async Task A451AfterTheDataIsTransientAndTheNextMessageStartsWithRset(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net> SIZE=*",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 2.1.0 ok",
            "S: 250 2.1.5 ok",
            "S: 354 go ahead",
            "D:",
            "S: 451-4.3.0 Temporary lookup failure,",
            "S: 451 4.3.0 please retry",
            "C: RSET",
            "C: MAIL FROM:<a@example.net> SIZE=*",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 2.0.0 ok",
            "S: 250 2.1.0 ok",
            "S: 250 2.1.5 ok",
            "S: 354 go ahead",
            "D:",
            "S: 250 2.0.0 Ok: queued as 4Xyz12");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);
        var envelope = new SmtpEnvelope("a@example.net", "b@example.net");

        var error = Assert.ThrowsAsync<MailCommandException>(() => client.SendAsync(envelope, Message("Subject: 1\r\n\r\none\r\n"), ct));
        var result = await client.SendAsync(envelope, Message("Subject: 2\r\n\r\ntwo\r\n"), ct);

        Assert.That(error!.IsTransient, Is.True);
        Assert.That(error.StatusCode, Is.EqualTo(451));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo("4.3.0"));
        Assert.That(error.ServerText, Is.EqualTo("Temporary lookup failure,\nplease retry"));
        Assert.That(result.QueueId, Is.EqualTo("4Xyz12"));
        Assert.That(server.Mismatch, Is.Null);
    }

    [Test, CancelAfter(10_000)]
    public async Task A552AfterTheDataIsPermanent(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net>*",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 ok",
            "S: 250 ok",
            "S: 354 go ahead",
            "D:",
            "S: 552 5.3.4 Message size exceeds fixed limit");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        var error = Assert.ThrowsAsync<MailCommandException>(() =>
            client.SendAsync(new SmtpEnvelope("a@example.net", "b@example.net"), Message("Subject: big\r\n\r\nbody\r\n"), ct));

        Assert.That(error!.IsTransient, Is.False);
        Assert.That(error.StatusCode, Is.EqualTo(552));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo("5.3.4"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test, CancelAfter(10_000)]
    public async Task AMessageOverTheAnnouncedSizeIsRefusedBeforeAnythingIsSent(CancellationToken ct)
    {
        var server = Script(
            "C: EHLO client.test",
            "S: 250-mx.example.net",
            "S: 250 SIZE 1000");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);
        var sentBefore = server.ClientText;

        var error = Assert.ThrowsAsync<MailCommandException>(() =>
            client.SendAsync(new SmtpEnvelope("a@example.net", "b@example.net"), Message("Subject: x\r\n\r\n" + new string('x', 2000)), ct));

        Assert.That(error!.IsTransient, Is.False);
        Assert.That(error.EnhancedStatusCode, Is.EqualTo("5.3.4"));
        Assert.That(error.Message, Does.Contain("1000"));
        Assert.That(server.ClientText, Is.EqualTo(sentBefore));
    }

    [Test, CancelAfter(10_000)]
    public async Task PipelinedRecipientsAreReportedOneByOne(CancellationToken ct)
    {
        // The script expects all four commands before any reply: a client that waited for each
        // reply would fail here.
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net> SIZE=*",
            "C: RCPT TO:<one@example.net>",
            "C: RCPT TO:<gone@example.net>",
            "C: RCPT TO:<busy@example.net>",
            "C: DATA",
            "S: 250 2.1.0 Ok",
            "S: 250 2.1.5 Ok",
            "S: 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown",
            "S: 450 4.2.1 <busy@example.net>: mailbox busy",
            "S: 354 End data with <CR><LF>.<CR><LF>",
            "D:",
            "S: 250 2.0.0 Ok: queued as ABC123");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        var result = await client.SendAsync(
            new SmtpEnvelope("a@example.net", "one@example.net", "gone@example.net", "busy@example.net"), Message("Subject: x\r\n\r\nhi\r\n"), ct);

        Assert.That(result.Accepted.Select(r => r.Address), Is.EqualTo(new[] { "one@example.net" }));
        var rejected = result.Rejected.ToList();
        Assert.That(rejected.Select(r => (r.Address, r.Reply.Code, r.Reply.EnhancedStatusCode, r.IsTransientFailure)), Is.EqualTo(new[]
        {
            ("gone@example.net", 550, (string?)"5.1.1", false),
            ("busy@example.net", 450, (string?)"4.2.1", true),
        }));
        Assert.That(result.QueueId, Is.EqualTo("ABC123"));
        Assert.That(server.Mismatch, Is.Null);
    }

    [Test, CancelAfter(10_000)]
    public async Task EveryRecipientRejectedInAPipelineThrowsWithEachReplyAndSendsNoData(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net>*",
            "C: RCPT TO:<x@example.org>",
            "C: RCPT TO:<y@example.org>",
            "C: DATA",
            "S: 250 2.1.0 Ok",
            "S: 554 5.7.1 <x@example.org>: Relay access denied",
            "S: 451 4.3.0 <y@example.org>: try later",
            "S: 554 5.5.1 Error: no valid recipients");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        var error = Assert.ThrowsAsync<SmtpRecipientsRejectedException>(() =>
            client.SendAsync(new SmtpEnvelope("a@example.net", "x@example.org", "y@example.org"), Message("Subject: x\r\n\r\nhi\r\n"), ct));

        Assert.That(error!.Recipients.Select(r => r.Reply.Code), Is.EqualTo(new[] { 554, 451 }));
        Assert.That(error.IsTransient, Is.False, "one refusal is permanent");
        Assert.That(error.StatusCode, Is.EqualTo(554));
        Assert.That(server.Data, Is.Empty);
        Assert.That(server.IsComplete, Is.True);
    }

    [Test, CancelAfter(10_000)]
    public async Task AServerThatAcceptsDataWithoutRecipientsGetsAnEmptyMessageEnd(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net>*",
            "C: RCPT TO:<x@example.org>",
            "C: DATA",
            "S: 250 Ok",
            "S: 550 5.1.1 unknown",
            "S: 354 go ahead",
            "D:",
            "S: 554 5.5.1 no valid recipients");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        Assert.ThrowsAsync<SmtpRecipientsRejectedException>(() =>
            client.SendAsync(new SmtpEnvelope("a@example.net", "x@example.org"), Message("Subject: secret\r\n\r\nhi\r\n"), ct));

        Assert.That(server.Data.Single(), Is.Empty, "the message itself must not go out");
        Assert.That(client.IsConnected, Is.True);
    }

    [Test, CancelAfter(10_000)]
    public async Task ServerDroppingTheConnectionMidDataIsConnectionLostNotAHang(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net>*",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 354 go ahead",
            "DROP");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        Assert.ThrowsAsync<ConnectionLostException>(() =>
            client.SendAsync(new SmtpEnvelope("a@example.net", "b@example.net"), Message("Subject: x\r\n\r\n" + new string('y', 200_000)), ct));

        Assert.That(client.IsConnected, Is.False);
        Assert.That(server.IsDisposed, Is.True);
    }

    [Test, CancelAfter(10_000)]
    public async Task DataIsDotStuffedAndEveryLineEndsInCrlf(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net>*",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 354 go ahead",
            "D:",
            "S: 250 Ok");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        await client.SendAsync(
            new SmtpEnvelope("a@example.net", "b@example.net"),
            Message("Subject: dots\n\n.leading dot\r\n..two\r\n.\r\nbare cr\rend"),
            ct);

        Assert.That(Encoding.ASCII.GetString(server.Data.Single()),
            Is.EqualTo("Subject: dots\r\n\r\n..leading dot\r\n...two\r\n..\r\nbare cr\r\nend\r\n"));
    }

    [Test, CancelAfter(10_000)]
    public async Task EightBitContentIsDeclaredAs8BitMimeAndSevenBitContentIsNot(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net> SIZE=26 BODY=8BITMIME",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 354 go ahead",
            "D:",
            "S: 250 Ok",
            "C: RSET",
            "C: MAIL FROM:<a@example.net> SIZE=21",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 354 go ahead",
            "D:",
            "S: 250 Ok",
            "C: RSET",
            "C: MAIL FROM:<a@example.net> BODY=8BITMIME",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 354 go ahead",
            "D:",
            "S: 250 Ok");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);
        var envelope = new SmtpEnvelope("a@example.net", "b@example.net");

        await client.SendAsync(envelope, Message("Subject: Grüße\r\n\r\nBody\r\n"), ct);
        await client.SendAsync(envelope, Message("Subject: Hi\r\n\r\nBody\r\n"), ct);
        await client.SendAsync(envelope, new UnseekableStream(Encoding.UTF8.GetBytes("Subject: Hi\r\n\r\nBody\r\n")), ct);

        Assert.That(server.Mismatch, Is.Null);
        Assert.That(server.IsComplete, Is.True);
    }

    [Test, CancelAfter(10_000)]
    public async Task SmtpUtf8IsDeclaredForANonAsciiAddressAndOnRequestForUtf8Headers(CancellationToken ct)
    {
        var server = Script(
            PipeliningEhlo(),
            "C: MAIL FROM:<a@example.net> SIZE=21 SMTPUTF8",
            "C: RCPT TO:<jürgen@example.net>",
            "C: DATA",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 354 go ahead",
            "D:",
            "S: 250 Ok",
            "C: RSET",
            "C: MAIL FROM:<a@example.net> SIZE=26 BODY=8BITMIME SMTPUTF8",
            "C: RCPT TO:<b@example.net>",
            "C: DATA",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 250 Ok",
            "S: 354 go ahead",
            "D:",
            "S: 250 Ok");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        await client.SendAsync(new SmtpEnvelope("a@example.net", "jürgen@example.net"), Message("Subject: Hi\r\n\r\nBody\r\n"), ct);
        client.RequestSmtpUtf8ForUtf8Headers = true;
        await client.SendAsync(new SmtpEnvelope("a@example.net", "b@example.net"), Message("Subject: Grüße\r\n\r\nBody\r\n"), ct);

        Assert.That(server.Mismatch, Is.Null);
        Assert.That(server.IsComplete, Is.True);
    }

    [Test, CancelAfter(10_000)]
    public async Task ANonAsciiAddressToAServerWithoutSmtpUtf8IsRefusedLocally(CancellationToken ct)
    {
        var server = Script("C: EHLO client.test", "S: 250-mx.example.net", "S: 250 8BITMIME");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        var error = Assert.ThrowsAsync<MailCommandException>(() =>
            client.SendAsync(new SmtpEnvelope("a@example.net", "jürgen@example.net"), Message("Subject: x\r\n\r\nhi\r\n"), ct));

        Assert.That(error!.EnhancedStatusCode, Is.EqualTo("5.6.7"));
        Assert.That(error.IsTransient, Is.False);
    }

    [Test, CancelAfter(10_000)]
    public async Task EightBitMessageToAServerWithout8BitMimeIsRefusedLocally(CancellationToken ct)
    {
        var server = Script("C: EHLO client.test", "S: 250-mx.example.net", "S: 250 PIPELINING");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        var error = Assert.ThrowsAsync<MailCommandException>(() =>
            client.SendAsync(new SmtpEnvelope("a@example.net", "b@example.net"), Message("Subject: x\r\n\r\nGrüße\r\n"), ct));

        Assert.That(error!.EnhancedStatusCode, Is.EqualTo("5.6.3"));
        Assert.That(server.ClientText, Does.Not.Contain("MAIL"));
    }
}
