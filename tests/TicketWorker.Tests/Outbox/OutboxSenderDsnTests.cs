using TicketWorker.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>RFC 3461 delivery status notifications: the envelope names the outbox row, so a bounce names it too.</summary>
[TestFixture]
public sealed class OutboxSenderDsnTests
{
    [Test, CancelAfter(30_000)]
    public async Task WhereTheServerOffersDsnTheEnvelopeCarriesTheRowKeyAndAsksForFailuresOnly()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok") { Extensions = ["DSN"] };
        using var h = await OutboxHarness.StartAsync(server.Port);
        var key = "ack:" + Guid.NewGuid().ToString("N");
        await h.EnqueueAsync("customer8@example.test", key: key, recipients: ["customer8@example.test", "customer9@example.test"]);

        await h.Sender().RunOnceAsync();

        Assert.That(server.Commands.Single(c => c.StartsWith("MAIL", StringComparison.Ordinal)), Does.EndWith($" ENVID={key}"));
        Assert.That(server.Commands.Where(c => c.StartsWith("RCPT", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "RCPT TO:<customer8@example.test> NOTIFY=FAILURE ORCPT=rfc822;customer8@example.test",
            "RCPT TO:<customer9@example.test> NOTIFY=FAILURE ORCPT=rfc822;customer9@example.test",
        }));
    }

    [Test, CancelAfter(30_000)]
    public async Task WithoutDsnTheEnvelopeHasNoDsnParameters()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok");
        using var h = await OutboxHarness.StartAsync(server.Port);
        await h.EnqueueAsync("customer8@example.test");

        await h.Sender().RunOnceAsync();

        Assert.That(server.Commands.Where(c => c.StartsWith("MAIL", StringComparison.Ordinal) || c.StartsWith("RCPT", StringComparison.Ordinal)),
            Has.None.Contains("ENVID").And.None.Contains("NOTIFY"));
    }

    [Test, CancelAfter(30_000)]
    public async Task AKeyTooLongForAnEnvelopeIdIsReplacedByTheRowId()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok") { Extensions = ["DSN"] };
        using var h = await OutboxHarness.StartAsync(server.Port);
        var queued = (await h.EnqueueAsync("customer8@example.test", key: "relay:" + new string('x', 120))).Item;

        await h.Sender().RunOnceAsync();

        Assert.That(server.Commands.Single(c => c.StartsWith("MAIL", StringComparison.Ordinal)), Does.EndWith($" ENVID=outbox-row-{queued.Id}"));
    }

    [Test, CancelAfter(60_000)]
    public async Task PostfixIsGivenTheRowKeyAsEnvidAndAcceptsTheMessage()
    {
        var smtp = $$"""{ "Host": "{{OutboxMailStack.Host}}", "Port": {{OutboxMailStack.SmtpPort}}, "Security": "None", "ProtocolLog": "../data/smtp-protocol.log" }""";
        using var h = await OutboxHarness.StartAsync(smtp: smtp);
        var key = "ack:dsn-" + Guid.NewGuid().ToString("N");
        var queued = (await h.EnqueueAsync("customer11@example.test", key: key)).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Sent, Is.EqualTo(1), (await h.RowAsync(queued.Id)).LastError);
        var log = await File.ReadAllLinesAsync(Path.Combine(h.Root, "data", "smtp-protocol.log"));
        Assert.That(log, Has.Some.Matches<string>(l => l.StartsWith("S: 250-DSN", StringComparison.Ordinal)), "Postfix advertises DSN");
        Assert.That(log, Has.Some.Matches<string>(l => l.StartsWith("C: MAIL FROM:<support@example.test>", StringComparison.Ordinal) && l.EndsWith($" ENVID={key}", StringComparison.Ordinal)));
        Assert.That(log, Has.Some.EqualTo("C: RCPT TO:<customer11@example.test> NOTIFY=FAILURE ORCPT=rfc822;customer11@example.test"));
        Assert.That(log, Has.Some.Matches<string>(l => l.StartsWith("S: 250 2.0.0 Ok: queued as ", StringComparison.Ordinal)));
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer11", queued.MessageId), Is.EqualTo(1));
        Assert.That((await h.RowAsync(queued.Id)).Status, Is.EqualTo(OutboxStatus.Sent));
    }
}
