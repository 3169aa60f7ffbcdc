using System.Text.Json;
using TicketWorker.Cli;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Escalation;

/// <summary><c>tickets list --breached</c> and the SLA line of <c>status</c> (the commands run on the real clock; the tickets are from March 2026).</summary>
public class SlaCommandTests
{
    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    [Test]
    public async Task BreachedListsOnlyOverdueTicketsThatAreNeitherClosedNorPausedAndStatusCountsThem()
    {
        _h = await SlaHarness.StartAsync();
        var overdue = await _h.NewTicketAsync("Printer broken");
        var closed = await _h.NewTicketAsync("Scanner broken", "customer2@example.test");
        await _h.ChangeAsync(closed.Number, t => t with { Status = TicketStatus.Closed, ClosedAt = _h.Time.GetUtcNow() });
        var waiting = await _h.NewTicketAsync("Fax broken", "customer3@example.test");
        await _h.ChangeAsync(waiting.Number, t => t with { Status = TicketStatus.Pending });

        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await CliApp.RunAsync(["tickets", "list", "--breached", "--json", "--config", _h.ConfigPath], output, errors);
        Assert.That(code, Is.EqualTo(CliApp.Ok), errors.ToString());
        var numbers = JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().Select(e => e.GetProperty("number").GetInt64()).ToList();
        Assert.That(numbers, Is.EqualTo(new[] { overdue.Number }));

        output = new StringWriter();
        code = await CliApp.RunAsync(["status", "--config", _h.ConfigPath], output, errors);
        Assert.That(code, Is.EqualTo(CliApp.Ok), errors.ToString());
        Assert.That(output.ToString(), Does.Contain("1 first response(s) and 1 resolution(s) overdue"));
    }
}
