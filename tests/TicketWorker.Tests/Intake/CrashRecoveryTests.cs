using Microsoft.Data.Sqlite;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Intake;

/// <summary>
/// The worker process killed with SIGKILL at several points while it ingests a backlog, restarted
/// each time: every message ends up in exactly one ticket, none twice. On both IMAP server profiles.
/// </summary>
[TestFixture(ImapProfile.DefaultName)]
[TestFixture(ImapProfile.HostedName)]
public class CrashRecoveryTests(string profileName)
{
    private readonly ImapProfile _profile = ImapProfile.Of(profileName);

    private const int Messages = 500;

    [Test]
    [CancelAfter(240_000)]
    public async Task KilledAndRestartedWorkersLoseNothingAndDuplicateNothing(CancellationToken cancellationToken)
    {
        var folder = "Crash-" + Guid.NewGuid().ToString("N")[..10];
        using (var mailbox = await TestMailbox.ConnectAsync("support", _profile, cancellationToken))
        {
            await mailbox.CreateFolderAsync(folder, cancellationToken);
            await mailbox.AppendAsync(folder, Enumerable.Range(0, Messages).Select(i => Mails.Customer($"customer{i}@example.org", $"Question {i}", $"crash-{i}@example.org")), cancellationToken);
        }

        using var dir = new TempDirectory();
        dir.Write("config/appsettings.json", $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Storage": { "RawMailPath": "../data/raw" },
                "Mailboxes": [ {{IngestHarness.StackMailbox("support", folder, extra: "\"FirstStart\": \"Import\",", port: _profile.Port)}} ],
                "Smtp": { "Host": "127.0.0.1", "Port": {{MailStack.SmtpPort}}, "Security": "None" } } }
            """);
        var config = Path.Combine(dir.Path, "config");
        var database = $"Data Source={Path.Combine(dir.Path, "data", "tw.db")};Mode=ReadOnly";

        try
        {
            foreach (var killAt in new[] { 1, 60, 180, 320, 450 })
            {
                using var worker = WorkerProcess.Start(config);
                var count = await WaitForAsync(database, n => n >= killAt, cancellationToken);
                worker.Kill();
                TestContext.Progress.WriteLine($"killed after {count} tickets (target {killAt})");
            }

            using var last = WorkerProcess.Start(config);
            await WaitForAsync(database, n => n >= Messages, cancellationToken);
            Assert.That(last.Terminate(TimeSpan.FromSeconds(30)), Is.True, "the worker stops on SIGTERM");

            await using var connection = new SqliteConnection(database);
            await connection.OpenAsync(cancellationToken);
            Assert.That(await Scalar(connection, "SELECT COUNT(*) FROM tickets"), Is.EqualTo(Messages));
            Assert.That(await Scalar(connection, "SELECT COUNT(*) FROM messages WHERE direction = 'inbound'"), Is.EqualTo(Messages));
            Assert.That(await Scalar(connection, "SELECT COUNT(DISTINCT message_id) FROM messages WHERE direction = 'inbound'"), Is.EqualTo(Messages));
            Assert.That(await Scalar(connection, "SELECT COUNT(*) FROM (SELECT ticket_id FROM messages WHERE direction = 'inbound' GROUP BY ticket_id HAVING COUNT(*) > 1)"), Is.Zero);
            // FirstStart: Import answers the backlog: exactly one acknowledgement row per ticket, whatever the kills.
            Assert.That(await Scalar(connection, "SELECT COUNT(*) FROM outbox WHERE kind = 'ack'"), Is.EqualTo(Messages));
            Assert.That(await Scalar(connection, "SELECT COUNT(DISTINCT ticket_id) FROM outbox WHERE kind = 'ack'"), Is.EqualTo(Messages));
            // Its message on the ticket is stored when the sender writes it (the rest are still queued): never two, never one without its row.
            Assert.That(await Scalar(connection, "SELECT COUNT(*) FROM messages WHERE kind = 'ack'"),
                Is.EqualTo(await Scalar(connection, "SELECT COUNT(DISTINCT ticket_id) FROM messages WHERE kind = 'ack'")));
            Assert.That(await Scalar(connection,
                "SELECT COUNT(*) FROM messages m WHERE m.kind = 'ack' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'ack' AND o.message_id = m.message_id AND o.ticket_id = m.ticket_id)"),
                Is.Zero);
            Assert.That(await Scalar(connection, "SELECT COUNT(*) FROM quarantine"), Is.Zero);
            Assert.That(await Scalar(connection, "SELECT last_uid FROM mailbox_checkpoints"), Is.EqualTo(Messages));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            using var mailbox = await TestMailbox.ConnectAsync("support", _profile, CancellationToken.None);
            await mailbox.DeleteFolderAsync(folder, CancellationToken.None);
        }
    }

    private static async Task<long> WaitForAsync(string database, Func<long, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var count = 0L;
            try
            {
                await using var connection = new SqliteConnection(database);
                await connection.OpenAsync(cancellationToken);
                count = await Scalar(connection, "SELECT COUNT(*) FROM tickets");
            }
            catch (SqliteException)
            {
                // Not created yet by the first worker.
            }
            if (done(count)) return count;
            await Task.Delay(10, cancellationToken);
        }
    }

    private static async Task<long> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
