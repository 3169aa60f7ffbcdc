using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
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

    [Test]
    [CancelAfter(300_000)]
    public async Task PostgresRestartedDuringIntakeLosesNothing(CancellationToken cancellationToken)
    {
        const int count = 300;
        var stack = FaultStack.Stack;
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
        var connectionString = _postgres.ConnectionString.Replace("Database=ticketworker", "Database=" + database, StringComparison.Ordinal);

        await stack.EmptyInboxAsync("support", cancellationToken);
        await stack.AppendAsync("support", Enumerable.Range(0, count).Select(i => FaultMail.Request("pgrestart", i)), cancellationToken);
        using var w = new FaultWorker(stack, postgres: connectionString);
        using var worker = w.Start();
        var at = await w.WaitForAsync(FaultWorker.Tickets, n => n >= 20, cancellationToken, 5, worker);

        var clock = Stopwatch.StartNew();
        _postgres.Down();
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
