using Microsoft.Data.Sqlite;
using MailKit.Search;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Replies;

/// <summary>
/// The real worker process killed (SIGKILL) after the ticket and its acknowledgement were committed
/// but before the acknowledgement could be sent: after a restart the customer gets exactly one.
/// </summary>
public class AcknowledgementCrashTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task AWorkerKilledBetweenCommitAndSendSendsExactlyOneAcknowledgementAfterRestart(CancellationToken cancellationToken)
    {
        var folder = "AckCrash-" + Guid.NewGuid().ToString("N")[..10];
        var id = $"ackcrash-{Guid.NewGuid():N}@example.test";
        using (var mailbox = await TestMailbox.ConnectAsync("support", cancellationToken: cancellationToken))
            await mailbox.CreateFolderAsync(folder, cancellationToken);

        using var dir = new TempDirectory();
        string Settings(int smtpPort) => $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Mailboxes": [ {{IngestHarness.StackMailbox("support", folder, extra: "\"FirstStart\": \"Import\",")}} ],
                "Smtp": { "Host": "127.0.0.1", "Port": {{smtpPort}}, "Security": "None" },
                "Outbox": { "PollInterval": "00:00:00.200", "InitialRetryDelay": "00:00:01", "MaxRetryDelay": "00:00:02", "ClaimDuration": "00:00:10", "SmtpTimeout": "00:00:05" } } }
            """;
        // First life: no SMTP server (a closed port), so the acknowledgement can only be queued. The
        // kill may catch the row claimed ("sending"): the next life takes it over after ClaimDuration.
        var appsettings = dir.Write("config/appsettings.json", Settings(1));
        var config = Path.GetDirectoryName(appsettings)!;
        var database = $"Data Source={Path.Combine(dir.Path, "data", "tw.db")};Mode=ReadOnly";
        try
        {
            using (var worker = WorkerProcess.Start(config))
            {
                using (var mailbox = await TestMailbox.ConnectAsync("support", cancellationToken: cancellationToken))
                    await mailbox.AppendAsync(folder, [Mails.Customer("customer8@example.test", "Crash me", id)], cancellationToken);
                while (await ScalarAsync(database, "SELECT COUNT(*) FROM outbox WHERE kind = 'ack'", cancellationToken) < 1)
                    await Task.Delay(20, cancellationToken);
                worker.Kill();
            }
            Assert.That(await ScalarAsync(database, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'", cancellationToken), Is.Zero);

            // Second life: the SMTP server is reachable.
            File.WriteAllText(appsettings, Settings(MailStack.SmtpPort));
            using (var worker = WorkerProcess.Start(config))
            {
                while (await ScalarAsync(database, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'", cancellationToken) < 1)
                    await Task.Delay(50, cancellationToken);
                await Task.Delay(2000, cancellationToken); // room for a wrong second send to show up
                Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
            }

            Assert.That(await ScalarAsync(database, "SELECT COUNT(*) FROM outbox", cancellationToken), Is.EqualTo(1));
            using var inbox = await TestMailbox.ConnectAsync("customer8", cancellationToken: cancellationToken);
            // Postfix hands accepted mail to Dovecot a few milliseconds later.
            var found = await inbox.WaitForAsync("INBOX", SearchQuery.HeaderContains("In-Reply-To", $"<{id}>"), cancellationToken);
            Assert.That(found, Has.Count.EqualTo(1));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            using var mailbox = await TestMailbox.ConnectAsync("support");
            await mailbox.DeleteFolderAsync(folder, CancellationToken.None);
        }
    }

    private static async Task<long> ScalarAsync(string database, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(database);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        }
        catch (SqliteException)
        {
            return 0; // the first worker has not created the database yet
        }
    }
}
