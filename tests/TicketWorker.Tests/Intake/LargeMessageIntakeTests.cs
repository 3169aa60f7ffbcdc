using System.Text;
using Microsoft.Data.Sqlite;
using MimeKit;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Intake;

/// <summary>
/// A 50 MB attachment through IMAP intake end to end in the real worker process, whose peak
/// resident memory stays bounded (large literals are spooled to disk, the raw file is parsed from
/// disk). A loose bound on purpose: the benchmark (bench ingest --large-mb 50) prints the figure.
/// </summary>
public class LargeMessageIntakeTests
{
    private const long PeakLimit = 200L * 1024 * 1024;

    [Test]
    [CancelAfter(240_000)]
    public async Task AFiftyMegabyteMessageIsTicketedWithPeakMemoryUnder200Megabytes(CancellationToken cancellationToken)
    {
        var folder = "Large-" + Guid.NewGuid().ToString("N")[..10];
        using var dir = new TempDirectory();
        var eml = Path.Combine(dir.Path, "large.eml");
        await Testing.LargeMessageFile.WriteAsync(eml, 50 << 20, "Big Sender <big@example.org>", $"large-{folder}@example.org", cancellationToken);
        using (var mailbox = await TestMailbox.ConnectAsync("support", cancellationToken: cancellationToken))
        {
            var target = await mailbox.CreateFolderAsync(folder, cancellationToken);
            using var message = await MimeMessage.LoadAsync(eml, cancellationToken);
            await target.AppendAsync(new MailKit.AppendRequest(message), cancellationToken);
            await mailbox.AppendAsync(folder, [Mails.Customer("small@example.org", "Small one", $"small-{folder}@example.org")], cancellationToken);
        }
        File.Delete(eml);

        dir.Write("config/appsettings.json", $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Storage": { "RawMailPath": "../data/raw", "MaxMessageSize": 104857600 },
                "Mailboxes": [ {{IngestHarness.StackMailbox("support", folder)}} ],
                "Smtp": { "Host": "127.0.0.1", "Port": {{MailStack.SmtpPort}}, "Security": "None" } } }
            """);
        var database = $"Data Source={Path.Combine(dir.Path, "data", "tw.db")};Mode=ReadOnly";
        try
        {
            using var worker = WorkerProcess.Start(Path.Combine(dir.Path, "config"));
            while (await InboundAsync(database, cancellationToken) < 2) await Task.Delay(100, cancellationToken);
            var peak = PeakResidentBytes(worker.Id);
            TestContext.Progress.WriteLine($"worker peak RSS {peak / 1048576.0:F0} MB");
            Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True, "the worker stops on SIGTERM");
            Assert.That(peak, Is.LessThan(PeakLimit));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            using var mailbox = await TestMailbox.ConnectAsync("support");
            await mailbox.DeleteFolderAsync(folder);
        }
    }

    // VmHWM: the resident set's high-water mark of the process (proc(5)).
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<long> InboundAsync(string database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(database);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM messages WHERE direction = 'inbound'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        }
        catch (SqliteException)
        {
            return 0; // the worker has not created the database yet
        }
    }
}
