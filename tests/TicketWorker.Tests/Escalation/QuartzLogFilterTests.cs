using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;
using TicketWorker.Escalation;
using TicketWorker.Storage;
using TicketWorker.Tests.Storage;

namespace TicketWorker.Tests.Escalation;

/// <summary>
/// Quartz's loggers in the worker's composition: a retry while the database is away is one Warning line (the
/// exception at Debug); job failures and other errors keep their level and exception. The causes are real
/// Npgsql failures against the shared PostgreSQL (a terminated session) and a closed port.
/// </summary>
public class QuartzLogFilterTests
{
    private SlaHarness _h = null!;
    private readonly ConcurrentQueue<Entry> _entries = new();

    private sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    [SetUp]
    public async Task SetUp()
    {
        _entries.Clear(); // one fixture instance serves every test
        _h = await SlaHarness.StartAsync(overrides: s =>
        {
            s.AddSingleton<ILoggerProvider>(new Capture(_entries));
            s.Configure<LoggerFilterOptions>(o => { o.Rules.Clear(); o.MinLevel = LogLevel.Trace; });
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    private ILogger Logger(string category) => _h.App.Get<ILoggerFactory>().CreateLogger(category);

    private List<Entry> Of(string category) => _entries.Where(e => e.Category == category).ToList();

    /// <summary>What Npgsql throws on a session the server ended (as in a restart): terminated from another session.</summary>
    private static async Task<Exception> TerminatedSessionAsync()
    {
        await using var database = await StorageTestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var victim = new NpgsqlConnection(database.ConnectionString);
        await victim.OpenAsync();
        await using (var killer = new NpgsqlConnection(database.ConnectionString))
        {
            await killer.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@Pid)", killer);
            kill.Parameters.AddWithValue("Pid", victim.ProcessID);
            await kill.ExecuteScalarAsync();
        }
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", victim);
            await command.ExecuteScalarAsync();
        }
        catch (Exception e)
        {
            return e;
        }
        Assert.Fail("the terminated session still answered");
        return null!;
    }

    private static async Task<Exception> RefusedConnectionAsync()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        await using var connection = new NpgsqlConnection("Host=127.0.0.1;Port=1;Username=x;Password=x;Timeout=3");
        try
        {
            await connection.OpenAsync();
        }
        catch (Exception e)
        {
            return e;
        }
        Assert.Fail("something listens on port 1");
        return null!;
    }

    [Test]
    public async Task AClusterCheckInFailingWhilePostgresIsAwayIsOneWarningLineWithTheExceptionAtDebug()
    {
        const string category = "Quartz.Impl.AdoJobStore.ClusterManager";
        var cause = await TerminatedSessionAsync();
        TestContext.Out.WriteLine($"terminated session: {cause.GetType().Name} ({(cause as PostgresException)?.SqlState}) {cause.Message}");
        Assert.That(QuartzLogFilter.ConnectivityCause(cause), Is.Not.Null, $"a terminated session counts as the database away: {cause.GetType().Name} {cause.Message}");

        Logger(category).LogError(new JobPersistenceException("Failure obtaining db row lock: " + cause.Message, cause), "Error managing cluster: {ExceptionMessage}", cause.Message);

        var entries = Of(category);
        Assert.That(entries.Select(e => (e.Level, e.Exception is null)), Is.EqualTo(new[] { (LogLevel.Warning, true), (LogLevel.Debug, false) }));
        Assert.That(entries[0].Message, Does.StartWith("Error managing cluster: ").And.Contain("database unreachable: ").And.Not.Contain("\n"));
        Assert.That(entries[1].Exception, Is.InstanceOf<JobPersistenceException>(), "the full exception is still there at Debug");
    }

    [Test]
    public async Task ARefusedConnectionInTheJobStoreIsCondensedToo()
    {
        const string category = "Quartz.Impl.AdoJobStore.JobStoreTX";
        var cause = await RefusedConnectionAsync();

        Logger(category).LogWarning(new JobPersistenceException("Couldn't acquire next trigger", cause), "Acquiring triggers failed");

        var warning = Of(category).Single(e => e.Level == LogLevel.Warning);
        Assert.That(warning.Exception, Is.Null);
        Assert.That(warning.Message, Does.StartWith("Acquiring triggers failed (database unreachable: "));
    }

    [Test]
    public async Task AJobsOwnFailureKeepsItsLevelAndException()
    {
        var cause = await RefusedConnectionAsync();

        // Quartz reports a failing job in JobRunShell, and elsewhere wrapped in a JobExecutionException.
        Logger(QuartzLogFilter.JobRunCategory).LogError(cause, "Job {Job} threw an unhandled exception", "escalation-scan");
        Logger("Quartz.Core.QuartzScheduler").LogError(new SchedulerException("Job threw", new JobExecutionException(cause)), "Job threw an exception");

        Assert.That(Of(QuartzLogFilter.JobRunCategory).Select(e => (e.Level, e.Exception)), Is.EqualTo(new[] { (LogLevel.Error, (Exception?)cause) }));
        Assert.That(Of("Quartz.Core.QuartzScheduler").Single().Level, Is.EqualTo(LogLevel.Error));
        Assert.That(Of("Quartz.Core.QuartzScheduler").Single().Exception, Is.InstanceOf<SchedulerException>());
    }

    [Test]
    public void OtherErrorsAndOtherCategoriesPassUnchanged()
    {
        var bug = new InvalidOperationException("a real problem");
        Logger("Quartz.Impl.AdoJobStore.JobStoreTX").LogError(bug, "Unexpected");
        Logger("TicketWorker.Outbox.OutboxSender").LogWarning(new SocketException(111), "SMTP down");

        Assert.That(Of("Quartz.Impl.AdoJobStore.JobStoreTX").Select(e => (e.Level, e.Exception)), Is.EqualTo(new[] { (LogLevel.Error, (Exception?)bug) }));
        Assert.That(Of("TicketWorker.Outbox.OutboxSender").Single().Exception, Is.InstanceOf<SocketException>(), "only Quartz's categories are condensed");
        Assert.That(_h.App.Get<ILoggerFactory>(), Is.InstanceOf<QuartzLogFilter>(), "the worker's composition uses the filter");
    }

    private sealed class Capture(ConcurrentQueue<Entry> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
