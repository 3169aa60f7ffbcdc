using System.Text;
using Npgsql;
using TicketWorker.Intake;
using TicketWorker.Storage;
using TicketWorker.Tests.Escalation;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Fleet;

/// <summary>
/// Found by <see cref="FleetKillTests"/>: a customer's reply ingested while another worker's escalation
/// scan changed the same ticket wrote the ticket back from the copy it had read before, undoing the
/// escalation (priority, owner, tags, level) although the level stayed recorded as fired. Intake now
/// locks the ticket's row before it reads the ticket it appends to.
/// </summary>
public class TicketRowLockTests
{
    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AReplyIngestedWhileAnotherTransactionEscalatesTheTicketKeepsTheEscalation(CancellationToken cancellationToken)
    {
        _h = await SlaHarness.StartAsync(provider: StorageProvider.Postgres);
        var ticket = await _h.NewTicketAsync("printer broken");
        var connectionString = _h.App.Database.Options.ConnectionString;

        // The other worker's escalation, uncommitted: it holds the ticket's row lock.
        await using var other = new NpgsqlConnection(connectionString + ";Pooling=false");
        await other.OpenAsync(cancellationToken);
        await using var escalation = await other.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(
            "UPDATE tickets SET priority = 'urgent', owner = 'lead@example.test', tags = '[\"escalated\"]', escalation_level = 1 WHERE id = @id", other, escalation))
        {
            update.Parameters.AddWithValue("id", ticket.Id);
            Assert.That(await update.ExecuteNonQueryAsync(cancellationToken), Is.EqualTo(1));
        }

        var messageId = (await _h.App.Database.InReadAsync(tx => _h.App.Tickets.GetTicketWithMessagesAsync(tx, ticket.Number, cancellationToken)))!.Messages[0].MessageId;
        var reply = Mails.Reply("customer1@example.test", "Re: printer broken", "reply-1@example.test", messageId);
        var ingest = _h.App.Ingest.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(reply.ReplaceLineEndings("\r\n"))), IngestSource.Pipe("support"), cancellationToken);

        // Intake now waits for that row lock (before reading the ticket; without the fix it read the old row first and waited only to write it back).
        await using (var waiting = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()", other))
        {
            while (Convert.ToInt64(await waiting.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0 && !ingest.IsCompleted)
                await Task.Delay(20, cancellationToken);
        }
        await escalation.CommitAsync(cancellationToken);
        var result = await ingest;

        var after = await _h.TicketAsync(ticket.Number);
        Assert.Multiple(() =>
        {
            Assert.That((result.Action, result.Ticket), Is.EqualTo(("appended", (long?)ticket.Number)), "the reply joined the ticket");
            Assert.That((after.Priority, after.Owner, after.EscalationLevel), Is.EqualTo(("urgent", "lead@example.test", 1)), "the escalation stands");
            Assert.That(after.Tags, Is.EqualTo(new[] { "escalated" }));
        });
    }
}
