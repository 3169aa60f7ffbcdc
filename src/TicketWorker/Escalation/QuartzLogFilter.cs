using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace TicketWorker.Escalation;

/// <summary>
/// The host's logger factory with one change for Quartz's own categories: while the database is away (a
/// PostgreSQL restart), the clustered store's check-in, misfire and trigger-acquisition retries log a warning or
/// error with the full exception every few seconds. Such an entry becomes one line at Warning naming the cause,
/// and the entry with its exception goes to Debug. Everything else passes unchanged: other categories, entries
/// without a connectivity cause, and job failures (<c>Quartz.Core.JobRunShell</c>, any <see cref="JobExecutionException"/>).
/// </summary>
public sealed partial class QuartzLogFilter(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>Where Quartz logs a job's own exception: never condensed.</summary>
    public const string JobRunCategory = "Quartz.Core.JobRunShell";

    /// <summary>Wraps the registered <see cref="ILoggerFactory"/> (call after logging is added).</summary>
    public static void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The host's own factory stays as it is, only resolved through this one.
        services.TryAddSingleton<LoggerFactory>();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new QuartzLogFilter(sp.GetRequiredService<LoggerFactory>())));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith("Quartz.", StringComparison.Ordinal) && categoryName != JobRunCategory ? new Filtered(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The container disposes the host's factory itself.
    public void Dispose() { }

    /// <summary>
    /// The connectivity failure behind <paramref name="exception"/> (itself or an inner exception): a socket or I/O
    /// error, a timeout, a database error the driver calls transient, PostgreSQL connection or shutdown states
    /// (SQLSTATE 08…, 57P…); null when there is none or it comes from a job.
    /// </summary>
    public static Exception? ConnectivityCause(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is JobExecutionException) return null;
            if (e is SocketException or IOException or TimeoutException
                || e is PostgresException { SqlState: var state } && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal))
                || e is NpgsqlException { InnerException: null or SocketException or IOException or TimeoutException } and not PostgresException
                || e is DbException { IsTransient: true })
                return e;
        }
        return null;
    }

    private sealed partial class Filtered(ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel is LogLevel.Warning or LogLevel.Error && ConnectivityCause(exception) is { } cause)
            {
                DatabaseAway(logger, formatter(state, null), cause.GetType().Name, cause.Message);
                if (logger.IsEnabled(LogLevel.Debug)) logger.Log(LogLevel.Debug, eventId, state, exception, formatter);
                return;
            }
            logger.Log(logLevel, eventId, state, exception, formatter);
        }

        [LoggerMessage(1, LogLevel.Warning, "{QuartzMessage} (database unreachable: {Cause}: {CauseMessage}; Quartz retries; the exception is logged at Debug)")]
        private static partial void DatabaseAway(ILogger logger, string quartzMessage, string cause, string causeMessage);
    }
}
