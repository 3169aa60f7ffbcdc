using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Configuration;

namespace TicketWorker.Rules;

/// <summary>
/// Reloads rules.yaml when it changes: a FileSystemWatcher wakes the loop at once (editors write a
/// file in bursts, so the reload waits for a short quiet period), and a periodic content check
/// catches what the watcher misses (network shares, containers with bind mounts, replaced folders).
/// An invalid edit is logged once with all its errors and the last good policy stays in force.
/// </summary>
public sealed partial class PolicyWatcher : BackgroundService
{
    private readonly PolicyHolder _holder;
    private readonly ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _debounce;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private byte[]? _lastSeen;

    /// <summary>The worker's watcher: the policy in force, checked every 5 s and 300 ms after a change event.</summary>
    public PolicyWatcher(PolicyHolder holder, ILogger<PolicyWatcher> logger)
        : this(holder, logger, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300)) { }

    public PolicyWatcher(PolicyHolder holder, ILogger logger, TimeSpan pollInterval, TimeSpan debounce)
    {
        _holder = holder;
        _logger = logger;
        _pollInterval = pollInterval;
        _debounce = debounce;
        _lastSeen = Fingerprint();
    }

    /// <summary>Errors of the last rejected edit (empty after a good reload).</summary>
    public IReadOnlyList<ConfigError> LastErrors { get; private set; } = [];

    /// <summary>Reloads when the file's content differs from what was last seen; true when a new policy took effect.</summary>
    public Task<bool> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var seen = Fingerprint();
        if (_lastSeen is not null && seen is not null && seen.AsSpan().SequenceEqual(_lastSeen)) return Task.FromResult(false);
        if (_lastSeen is null && seen is null) return Task.FromResult(false);
        _lastSeen = seen;
        try
        {
            _holder.Reload();
            LastErrors = [];
            Log.Reloaded(_logger, _holder.Path, _holder.Current.Rules.Count, _holder.Current.Agents.Count);
            return Task.FromResult(true);
        }
        catch (ConfigException e)
        {
            // Logged once per content: the fingerprint is remembered, so the next check stays quiet.
            LastErrors = e.Errors;
            Log.Rejected(_logger, _holder.Path, e.Errors.Count, string.Join(Environment.NewLine, e.Errors));
            return Task.FromResult(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = CreateWatcher();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await _changed.WaitAsync(_pollInterval, stoppingToken).ConfigureAwait(false))
                {
                    await Task.Delay(_debounce, stoppingToken).ConfigureAwait(false);
                    while (_changed.Wait(0)) { } // events during the quiet period are covered by this check
                }
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (IOException e)
            {
                Log.ReadFailed(_logger, e, _holder.Path); // mid-write or locked: the next check retries
            }
        }
    }

    private FileSystemWatcher? CreateWatcher()
    {
        var full = Path.GetFullPath(_holder.Path);
        var folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder)) return null;
        try
        {
            // Watch the folder, not the file: editors save by writing a new file and renaming it.
            var watcher = new FileSystemWatcher(folder, Path.GetFileName(full))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler signal = (_, _) => Signal();
            watcher.Changed += signal;
            watcher.Created += signal;
            watcher.Deleted += signal;
            watcher.Renamed += (_, _) => Signal();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            Log.WatcherUnavailable(_logger, e, folder);
            return null; // the periodic check still works
        }
    }

    private void Signal()
    {
        try { _changed.Release(); }
        catch (SemaphoreFullException) { } // a wake-up is already pending
    }

    /// <summary>SHA-256 of the file (null when missing): timestamps alone miss quick edits within one tick.</summary>
    private byte[]? Fingerprint()
    {
        if (!File.Exists(_holder.Path)) return null;
        using var stream = new FileStream(_holder.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return SHA256.HashData(stream);
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Rules reloaded from {Path}: {Rules} rules, {Agents} agents")]
        public static partial void Reloaded(ILogger logger, string path, int rules, int agents);

        [LoggerMessage(2, LogLevel.Error, "Rules edit in {Path} rejected ({Count} errors); the previous policy stays in force:\n{Errors}")]
        public static partial void Rejected(ILogger logger, string path, int count, string errors);

        [LoggerMessage(3, LogLevel.Warning, "Could not read {Path}; retrying at the next check")]
        public static partial void ReadFailed(ILogger logger, Exception exception, string path);

        [LoggerMessage(4, LogLevel.Warning, "Cannot watch {Folder} for changes; rules.yaml is checked periodically instead")]
        public static partial void WatcherUnavailable(ILogger logger, Exception exception, string folder);
    }
}
