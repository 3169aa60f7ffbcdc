using System.Text;
using TicketWorker.Cli;
using TicketWorker.Hosting;
using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Intake;

/// <summary>Mail that cannot be processed is kept with its raw bytes and a reason, and can be retried.</summary>
public class QuarantineTests
{
    [Test]
    public async Task ATooLargeMessageIsQuarantinedWithItsRawBytesAndARetryLaterTicketsIt()
    {
        using var h = await IngestHarness.StartAsync();
        var raw = Encoding.UTF8.GetBytes(Mails.Customer("ann@example.org", "Big", "big-1@example.org", body: new string('x', 300_000) + "\n").ReplaceLineEndings("\r\n"));
        var r = await h.IngestAsync(raw);
        Assert.That((r.Action, r.Ticket), Is.EqualTo(("quarantined", (long?)null)));
        Assert.That(r.Reason, Does.Contain("exceeds MaxMessageSize"));

        var item = (await h.App.Database.InReadAsync(tx => h.App.Quarantine.ListAsync(tx, false))).Single();
        await using (var stored = await h.App.RawStore.OpenAsync(item.RawReference))
        {
            var copy = new MemoryStream();
            await stored.CopyToAsync(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(raw), "the raw bytes are kept exactly");
        }

        // The admin raises the limit and retries from the command line.
        var config = Path.GetDirectoryName(h.App.Settings.Resolve("appsettings.json"))!;
        File.WriteAllText(Path.Combine(config, "appsettings.json"), File.ReadAllText(Path.Combine(config, "appsettings.json")).Replace("\"MaxMessageSize\": 200000", "\"MaxMessageSize\": 1000000"));
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.That(await CliApp.RunAsync(["quarantine", "retry", "--config", config], output, errors), Is.EqualTo(0), errors.ToString());
        Assert.That(output.ToString(), Does.Contain("\"action\":\"created\""));
        using var after = await TestApp.OpenAsync(config);
        Assert.That(await after.Database.InReadAsync(tx => after.Quarantine.CountAsync(tx)), Is.Zero);
        Assert.That((await after.Database.InReadAsync(tx => after.Tickets.ListTicketsAsync(tx, null))).Single().Ticket.Subject, Is.EqualTo("Big"));
    }

    [Test]
    public async Task InputThatIsNotMailIsQuarantinedNotDropped()
    {
        using var h = await IngestHarness.StartAsync();
        var r = await h.IngestAsync(new byte[] { 0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9 });
        Assert.That(r.Action, Is.EqualTo("quarantined"));
        Assert.That(await h.App.Database.InReadAsync(tx => h.App.Quarantine.CountAsync(tx)), Is.EqualTo(1));
    }

    [Test]
    public async Task AThousandMangledMessagesAreEachTicketedIgnoredOrQuarantined()
    {
        using var h = await IngestHarness.StartAsync();
        var seed = 20261123;
        var random = new Random(seed);
        var templates = new[]
        {
            Mails.Customer("ann@example.org", "Printer", "m@example.org"),
            "From: =?koi8-r?B?7sXU?= <ivan@example.ru>\r\nSubject: =?utf-8?Q?=D0=9F=D1=80?=\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=windows-1256\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf; name*=utf-8''%D0%9F.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
            "Return-Path: <>\r\nFrom: MAILER-DAEMON@example.org\r\nSubject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\n\r\nfailed\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--x--\r\n",
        };
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 1000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(templates[i % templates.Length].Replace("m@example.org", $"m{i}@example.org"));
            // Truncate and flip bytes: broken boundaries, half headers, binary garbage.
            var length = random.Next(0, bytes.Length + 1);
            var mangled = bytes[..length];
            for (var f = random.Next(0, 6); f > 0 && mangled.Length > 0; f--) mangled[random.Next(mangled.Length)] = (byte)random.Next(256);
            IngestResult r;
            try { r = await h.IngestAsync(mangled); }
            catch (Exception e) { Assert.Fail($"message {i} (seed {seed}) escaped: {e}"); throw; }
            Assert.That(r.IsStored, Is.True, $"message {i} (seed {seed}): {r.Action}");
            counts[r.Action] = counts.GetValueOrDefault(r.Action) + 1;
        }
        TestContext.Out.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
        Assert.That(counts.Values.Sum(), Is.EqualTo(1000));
    }
}
