using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using TicketWorker.Mail;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// The fault stack's second, "hosted" Dovecot (prefix INBOX., separator ., no MOVE, LITERAL+ or
/// UNSELECT; port BasePort + 6) stopped and started under a running worker process, while it idles
/// and while it fetches: intake resumes by itself, nothing lost or doubled. The default Dovecot's
/// restarts are in <see cref="ServerOutageTests"/>. (These replace Intake/ServerRestartTests, which
/// restarted the shared stack under every other test.)
/// </summary>
[NonParallelizable]
public class HostedServerRestartTests
{
    private static PrivateMailStack Stack => FaultStack.Stack;

    private static int HostedPort => Stack.BasePort + 6;

    [TearDown]
    public void TearDown() => Stack.Up();

    private static void Restart()
    {
        Stack.Run("hosted-down");
        Stack.Run("hosted-up");
    }

    private static async Task<ImapClient> ConnectHostedAsync(CancellationToken cancellationToken)
    {
        var trust = CertificateTrust.FromPemFile(Stack.CertificatePath);
        var client = new ImapClient
        {
            ServerCertificateValidationCallback = (_, certificate, chain, errors) => trust.IsTrusted(certificate, chain, errors),
            CheckCertificateRevocation = false,
        };
        await client.ConnectAsync(PrivateMailStack.Host, HostedPort, SecureSocketOptions.StartTls, cancellationToken);
        await client.AuthenticateAsync(MailStack.Address("support"), MailStack.Password, cancellationToken);
        return client;
    }

    private static async Task EmptyHostedInboxAsync(CancellationToken cancellationToken)
    {
        using var client = await ConnectHostedAsync(cancellationToken);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        if (client.Inbox.Count > 0)
        {
            await client.Inbox.AddFlagsAsync(new UniqueIdRange(UniqueId.MinValue, UniqueId.MaxValue), MessageFlags.Deleted, true, cancellationToken);
            await client.Inbox.ExpungeAsync(cancellationToken);
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    private static async Task AppendHostedAsync(IEnumerable<byte[]> messages, CancellationToken cancellationToken)
    {
        using var client = await ConnectHostedAsync(cancellationToken);
        foreach (var chunk in messages.Chunk(200))
        {
            var requests = new List<IAppendRequest>();
            foreach (var raw in chunk) requests.Add(new AppendRequest(await MimeMessage.LoadAsync(new MemoryStream(raw), cancellationToken)));
            await client.Inbox.AppendAsync(requests, cancellationToken);
            foreach (var r in requests) r.Message.Dispose();
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task IntakeResumesByItselfAfterTheHostedServerRestartsDuringIdle(CancellationToken cancellationToken)
    {
        await EmptyHostedInboxAsync(cancellationToken);
        using var w = new FaultWorker(Stack, imapPort: HostedPort);
        using var worker = w.Start();
        await AppendHostedAsync([FaultMail.Request("hosted-idle", 0)], cancellationToken);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= 1, cancellationToken, 50, worker);
        // The worker is now in IDLE on the folder.
        await Task.Delay(1000, cancellationToken);

        var clock = Stopwatch.StartNew();
        Restart();
        await AppendHostedAsync([FaultMail.Request("hosted-idle", 1)], cancellationToken);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= 2, cancellationToken, 50, worker);
        TestContext.Progress.WriteLine($"hosted Dovecot restarted during IDLE: the next mail ticketed {clock.Elapsed.TotalSeconds:F1} s after the stop");
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
        await w.AssertEachMessageInExactlyOneTicketAsync([FaultMail.MessageId("hosted-idle", 0), FaultMail.MessageId("hosted-idle", 1)], cancellationToken);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task IntakeResumesByItselfAfterTheHostedServerRestartsDuringAFetchAndLosesNothing(CancellationToken cancellationToken)
    {
        // As ServerOutageTests' fetch test: a relay stops the server while it sends a later batch's FETCH answer.
        const int count = 2500;
        await EmptyHostedInboxAsync(cancellationToken);
        await AppendHostedAsync(Enumerable.Range(0, count).Select(i => FaultMail.Request("hosted-fetch", i)), cancellationToken);
        await using var relay = new CuttingTcpRelay(HostedPort);
        using var w = new FaultWorker(Stack, imapPort: relay.Port);
        using var worker = w.Start();
        var at = await w.WaitForAsync(FaultWorker.Tickets, n => n >= 1, cancellationToken, 5, worker);

        var clock = Stopwatch.StartNew();
        relay.Arm(() => Stack.Run("hosted-down"));
        var relayed = await relay.Cut.WaitAsync(cancellationToken);
        var whenStopped = await w.ScalarAsync(FaultWorker.Tickets, cancellationToken);
        Stack.Run("hosted-up");
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= count, cancellationToken, 100, worker);
        TestContext.Progress.WriteLine($"hosted Dovecot stopped inside a server answer ({relayed:N0} bytes into the connection) at {at}–{whenStopped} of {count} tickets; all ticketed {clock.Elapsed.TotalSeconds:F1} s later");
        Assert.That(whenStopped, Is.LessThan(count), "the restart fell in the fetch");
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
        await w.AssertEachMessageInExactlyOneTicketAsync(Enumerable.Range(0, count).Select(i => FaultMail.MessageId("hosted-fetch", i)).ToList(), cancellationToken);
    }
}
