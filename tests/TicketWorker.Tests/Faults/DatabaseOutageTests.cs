using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using TicketWorker.Intake;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// The database unavailable under a running worker process: the SQLite file locked by another
/// connection for 30 s, and a PostgreSQL of the test's own (port 15440, never the shared 15432)
/// stopped and started mid-intake. The worker waits and continues; nothing is lost or doubled.
/// </summary>
[NonParallelizable]
public class DatabaseOutageTests
{
    private PrivatePostgres? _postgres;

    [TearDown]
    public void TearDown()
    {
        FaultStack.Stack.Up();
        _postgres?.Down();
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task SqliteLockedByAnotherProcessForThirtySecondsDelaysIntakeAndLosesNothing(CancellationToken cancellationToken)
    {
        const int count = 30;
        var stack = FaultStack.Stack;
        await stack.EmptyInboxAsync("support", cancellationToken);
        using var w = new FaultWorker(stack);
        using var worker = w.Start();
        await stack.AppendAsync("support", [FaultMail.Request("locked", 0)], cancellationToken);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= 1, cancellationToken, 50, worker);

        var clock = Stopwatch.StartNew();
        await using (var locker = new SqliteConnection($"Data Source={w.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync(cancellationToken);
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync(cancellationToken);
            }
            await stack.AppendAsync("support", Enumerable.Range(1, count - 1).Select(i => FaultMail.Request("locked", i)), cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(30) - clock.Elapsed, cancellationToken);
            Assert.That(worker.HasExited, Is.False, "the worker waits for the lock");
            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(cancellationToken);
        }
        TestContext.Progress.WriteLine($"lock held {clock.Elapsed.TotalSeconds:F1} s");
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= count, cancellationToken, 100, worker);
        TestContext.Progress.WriteLine($"all {count} ticketed {clock.Elapsed.TotalSeconds:F1} s after the lock was taken");
        await w.WaitForAsync(FaultWorker.SentAcks, n => n >= count, cancellationToken, 100, worker);
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
        await w.AssertEachMessageInExactlyOneTicketAsync(Enumerable.Range(0, count).Select(i => FaultMail.MessageId("locked", i)).ToList(), cancellationToken);
    }

    /// <summary>The private PostgreSQL (port 15440) up, with a fresh database on it; its connection string.</summary>
    private async Task<string> PrivateDatabaseAsync(CancellationToken cancellationToken)
    {
        _postgres = new PrivatePostgres("/tmp/tw-faults-postgres", 15440);
        _postgres.Up();
        var database = "tw_faults_" + Guid.NewGuid().ToString("N")[..10];
        await using (var admin = new NpgsqlConnection(_postgres.ConnectionString + ";Pooling=false"))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE {database}";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return _postgres.ConnectionString.Replace("Database=ticketworker", "Database=" + database, StringComparison.Ordinal);
    }

    /// <summary><c>ticketworker ARGS</c> as a process with <paramref name="stdin"/>: exit code, standard output, standard error.</summary>
    private static async Task<(int Code, string Output, string Errors)> CliAsync(FaultWorker w, byte[] stdin, CancellationToken cancellationToken, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ticketworker.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(w.ConfigDirectory);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken);
        p.StandardInput.Close();
        await p.WaitForExitAsync(cancellationToken);
        return (p.ExitCode, await output, await errors);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task PipedMessageWhilePostgresIsDownExitsTempFailAndIsTicketedWhenPipedAgain(CancellationToken cancellationToken)
    {
        var connectionString = await PrivateDatabaseAsync(cancellationToken);
        using var w = new FaultWorker(FaultStack.Stack, postgres: connectionString);
        Assert.That((await CliAsync(w, [], cancellationToken, "migrate")).Code, Is.Zero, "migrate");
        var mail = FaultMail.Request("pipe", 0);

        _postgres!.Down();
        var (code, output, errors) = await CliAsync(w, mail, cancellationToken, "ingest");
        TestContext.Progress.WriteLine($"ingest with PostgreSQL down: exit {code}: {errors.Trim()}");
        // EX_TEMPFAIL: Postfix's pipe(8) keeps the message and delivers it again later (any other failure bounces it).
        Assert.That((code, output), Is.EqualTo((75, "")), "exit 75 (EX_TEMPFAIL), no result line");
        Assert.That(errors.Trim().Split('\n'), Has.Length.EqualTo(1).And.All.StartsWith("error: the database is unavailable"), "one line, no stack trace");

        _postgres.Up();
        (code, output, errors) = await CliAsync(w, mail, cancellationToken, "ingest");
        Assert.That(code, Is.Zero, errors);
        Assert.That(output, Does.Contain("\"action\":\"created\""));
        await w.AssertEachMessageInExactlyOneTicketAsync([FaultMail.MessageId("pipe", 0)], cancellationToken);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task MessagesProcessedWhilePostgresRestartsWaitForItAndAreNeverQuarantined(CancellationToken cancellationToken)
    {
        // The single-message path of `ingest` and `quarantine retry`, in process, so PostgreSQL can stop
        // after the host is open: each message waits for the database instead of being quarantined.
        const int count = 5;
        var connectionString = await PrivateDatabaseAsync(cancellationToken);
        using var w = new FaultWorker(FaultStack.Stack, postgres: connectionString);
        using var app = await TestApp.OpenAsync(w.ConfigDirectory);
        var first = await app.Ingest.IngestAsync(new MemoryStream(FaultMail.Request("inproc", 0)), IngestSource.Pipe("support"), cancellationToken);
        Assert.That(first.Action, Is.EqualTo(IngestResult.Created));

        _postgres!.Down();
        var clock = Stopwatch.StartNew();
        var during = Task.Run(async () =>
        {
            var results = new List<IngestResult>();
            for (var i = 1; i < count; i++)
                results.Add(await app.Ingest.IngestAsync(new MemoryStream(FaultMail.Request("inproc", i)), IngestSource.Pipe("support"), cancellationToken));
            return results;
        }, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
        Assert.That(during.IsCompleted, Is.False, "the messages wait while the database is down");
        _postgres.Up();
        var results = await during;
        TestContext.Progress.WriteLine($"{count - 1} messages ingested {clock.Elapsed.TotalSeconds:F1} s after PostgreSQL stopped: {string.Join(", ", results.Select(r => r.Action))}");
        Assert.That(results.Select(r => r.Action), Is.All.EqualTo(IngestResult.Created));
        await w.AssertEachMessageInExactlyOneTicketAsync(Enumerable.Range(0, count).Select(i => FaultMail.MessageId("inproc", i)).ToList(), cancellationToken);
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task PostgresRestartedDuringIntakeLosesNothing(CancellationToken cancellationToken)
    {
        const int count = 300;
        var stack = FaultStack.Stack;
        var connectionString = await PrivateDatabaseAsync(cancellationToken);

        await stack.EmptyInboxAsync("support", cancellationToken);
        await stack.AppendAsync("support", Enumerable.Range(0, count / 2).Select(i => FaultMail.Request("pgrestart", i)), cancellationToken);
        using var w = new FaultWorker(stack, postgres: connectionString);
        using var worker = w.Start();
        var at = await w.WaitForAsync(FaultWorker.Tickets, n => n >= 20, cancellationToken, 5, worker);

        var clock = Stopwatch.StartNew();
        _postgres!.Down();
        // The second half arrives while the database is down: intake fetches it and cannot commit.
        await stack.AppendAsync("support", Enumerable.Range(count / 2, count - count / 2).Select(i => FaultMail.Request("pgrestart", i)), cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        _postgres.Up();
        TestContext.Progress.WriteLine($"postgres down for {clock.Elapsed.TotalSeconds:F1} s from {at} tickets");
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= count, cancellationToken, 100, worker);
        TestContext.Progress.WriteLine($"all {count} ticketed {clock.Elapsed.TotalSeconds:F1} s after the stop");
        await w.WaitForAsync(FaultWorker.SentAcks, n => n >= count, cancellationToken, 100, worker);
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
        await w.AssertEachMessageInExactlyOneTicketAsync(Enumerable.Range(0, count).Select(i => FaultMail.MessageId("pgrestart", i)).ToList(), cancellationToken);
        Assert.That(await w.ScalarAsync("SELECT COUNT(*) FROM outbox WHERE kind = 'ack'", cancellationToken), Is.EqualTo(count));
    }
}
