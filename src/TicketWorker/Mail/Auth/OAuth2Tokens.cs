using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Configuration;

namespace TicketWorker.Mail.Auth;

/// <summary>
/// The access tokens of every OAuth2 sign-in (one per mailbox, one for SMTP), cached until
/// <c>Auth:RefreshBefore</c> before they expire and then refreshed. A failing refresh is logged
/// once per sign-in (an error with what to do; again only after it has worked in between), that
/// sign-in backs off (30 s doubling to 15 min) while the others carry on, and a token that is still
/// valid keeps being used while its refresh fails.
/// </summary>
public sealed partial class OAuth2Tokens(TimeProvider time, ILogger<OAuth2Tokens> logger) : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>For code that builds <see cref="LoadedSettings"/> without the host: the system clock, no logging.</summary>
    internal static OAuth2Tokens Fallback { get; } = new(TimeProvider.System, NullLogger<OAuth2Tokens>.Instance);

    /// <summary>Creates the provider's token source; tests replace it to count or fail fetches.</summary>
    internal Func<LoadedSettings, AuthOptions, IAccessTokenSource> CreateSource { get; set; } = (settings, auth) => DefaultSource(settings, auth, time);

    /// <summary>A valid access token for <paramref name="user"/> on <paramref name="server"/>; throws <see cref="OAuth2TokenException"/>.</summary>
    /// <param name="label">Who signs in, for the log ("IMAP support@example.com").</param>
    public async Task<string> GetAsync(LoadedSettings settings, ServerOptions server, string user, string label, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(server);
        var auth = server.Auth;
        var entry = _entries.GetOrAdd(Key(server, user), _ => new Entry(CreateSource(settings, auth)));
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (entry.Token is { } fresh && now < fresh.ExpiresAt - auth.RefreshBefore) return fresh.Value;
            if (entry.Failure is { } failed && now < entry.RetryAt)
                return entry.Token is { } stillValid && now < stillValid.ExpiresAt ? stillValid.Value : throw failed;
            try
            {
                var token = await entry.Source.FetchAsync(forceRefresh: entry.Token is not null, cancellationToken).ConfigureAwait(false);
                if (entry.Failure is not null) Log.Recovered(logger, label);
                entry.Token = token;
                entry.Failure = null;
                entry.Backoff = TimeSpan.Zero;
                Log.Refreshed(logger, label, token.ExpiresAt);
                return token.Value;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var failure = e as OAuth2TokenException
                    ?? new OAuth2TokenException($"OAuth2 token for {label} failed: {e.GetType().Name}: {e.Message}", e);
                if (entry.Failure is null) Log.RefreshFailed(logger, label, failure.Message);
                else Log.StillFailing(logger, label, failure.Message);
                entry.Failure = failure;
                entry.Backoff = entry.Backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(entry.Backoff.Ticks * 2, MaxBackoff.Ticks));
                entry.RetryAt = now + entry.Backoff;
                return entry.Token is { } stillValid && now < stillValid.ExpiresAt ? stillValid.Value : throw failure;
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Forgets the cached token of a sign-in (the server refused it), so the next login fetches a new one.</summary>
    public void Invalidate(ServerOptions server, string user)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (_entries.TryGetValue(Key(server, user), out var entry)) entry.Token = null;
    }

    private static string Key(ServerOptions server, string user) =>
        string.Join('\n', server.Auth.Mode, server.Host, user, server.Auth.ClientId, server.Auth.TenantId, server.Auth.RefreshTokenFile);

    private static IAccessTokenSource DefaultSource(LoadedSettings settings, AuthOptions auth, TimeProvider time) => auth.Mode switch
    {
        AuthOptions.MicrosoftMode => new MicrosoftTokenSource(settings, auth),
        AuthOptions.GoogleMode => new GoogleTokenSource(settings, auth, time),
        _ => throw new OAuth2TokenException($"Auth:Mode '{auth.Mode}' is not oauth2-microsoft or oauth2-google") { IsPermanent = true },
    };

    public void Dispose()
    {
        foreach (var entry in _entries.Values) entry.Source.Dispose();
        _entries.Clear();
    }

    private sealed class Entry(IAccessTokenSource source)
    {
        public IAccessTokenSource Source { get; } = source;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public AccessToken? Token { get; set; }
        public OAuth2TokenException? Failure { get; set; }
        public TimeSpan Backoff { get; set; }
        public DateTimeOffset RetryAt { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "{Login}: OAuth2 sign-in failed: {Reason}. This login backs off and retries; other mailboxes are not affected.")]
        public static partial void RefreshFailed(ILogger logger, string login, string reason);

        [LoggerMessage(2, LogLevel.Debug, "{Login}: OAuth2 sign-in still failing: {Reason}")]
        public static partial void StillFailing(ILogger logger, string login, string reason);

        [LoggerMessage(3, LogLevel.Information, "{Login}: OAuth2 sign-in works again")]
        public static partial void Recovered(ILogger logger, string login);

        [LoggerMessage(4, LogLevel.Debug, "{Login}: OAuth2 access token refreshed, valid until {ExpiresAt}")]
        public static partial void Refreshed(ILogger logger, string login, DateTimeOffset expiresAt);
    }
}
