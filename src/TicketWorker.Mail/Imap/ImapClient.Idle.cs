namespace TicketWorker.Mail.Imap;

public sealed partial class ImapClient
{
    /// <summary>The longest IDLE the client allows: RFC 3501 §5.4 lets servers drop clients after 30 minutes of inactivity.</summary>
    public static readonly TimeSpan MaxIdleDuration = TimeSpan.FromMinutes(29);

    /// <summary>
    /// IDLE (RFC 2177) in the selected folder until the server reports EXISTS or EXPUNGE, or until
    /// <paramref name="maxDuration"/> (default 25 minutes, at most 29) passes; then DONE ends it and the
    /// tagged reply is read, so the session stays usable. Cancellation also sends DONE and completes the
    /// command cleanly before throwing <see cref="OperationCanceledException"/>. Callers loop to keep idling.
    /// </summary>
    public async Task<IdleResult> IdleAsync(TimeSpan? maxDuration = null, CancellationToken cancellationToken = default)
    {
        var duration = maxDuration ?? TimeSpan.FromMinutes(25);
        if (duration <= TimeSpan.Zero || duration > MaxIdleDuration)
            throw new ArgumentOutOfRangeException(nameof(maxDuration), duration, $"IDLE must last between 0 and {MaxIdleDuration}");
        var result = await RunAsync((engine, ct) => IdleCoreAsync(engine, duration, ct, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }

    // operationToken carries only the command timeout (RunAsync got no caller token), so the caller's
    // cancellation ends the idle wait without aborting the connection.
    private async Task<IdleResult> IdleCoreAsync(ImapEngine engine, TimeSpan duration, CancellationToken operationToken, CancellationToken callerToken)
    {
        RequireSelected(engine);
        RequireCapability(engine, ImapCapabilities.Idle, "IDLE");
        // Changes are not reset here: an EXISTS that arrived with the caller's last SEARCH or FETCH
        // (servers report new mail with the next command's responses) must end this IDLE at once,
        // or a message delivered between the caller's catch-up and IDLE would wait for the timeout.
        var tag = await engine.SendAsync(new ImapCommand("IDLE"), operationToken).ConfigureAwait(false);
        while (true)
        {
            var response = await engine.ReadResponseAsync(operationToken).ConfigureAwait(false);
            if (response.Kind == ImapResponseKind.Continuation)
                break;
            if (response.Kind == ImapResponseKind.Tagged)
            {
                ImapEngine.ThrowIfFailed(response, "IDLE");
                throw ImapErrors.Violation("IDLE completed without a continuation request");
            }
            await HandleIdleDataAsync(engine, response, operationToken).ConfigureAwait(false);
        }

        // While idling, silence is expected: reads run without the inactivity timer, which is armed
        // again once DONE is sent.
        var inactivity = engine.Reader.InactivitySource;
        engine.Reader.InactivitySource = null;
        using var readCancel = new CancellationTokenSource();
        using var idleEnd = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        idleEnd.CancelAfter(duration);
        var outcome = IdleOutcome.TimedOut;
        ImapResponse? tagged = null;
        var pending = engine.ReadResponseAsync(readCancel.Token).AsTask();
        var idleEndTask = Task.Delay(Timeout.Infinite, idleEnd.Token);
        if (engine.Changes.Exists.HasValue || engine.Changes.Expunged.Count > 0)
            outcome = IdleOutcome.Changed;
        while (outcome != IdleOutcome.Changed)
        {
            var finished = await Task.WhenAny(pending, idleEndTask).ConfigureAwait(false);
            if (finished != pending)
                break;
            var response = await pending.ConfigureAwait(false);
            if (response.Kind == ImapResponseKind.Tagged)
            {
                // The server ended IDLE on its own (RFC 2177 allows it); nothing to send.
                tagged = response;
                break;
            }
            await HandleIdleDataAsync(engine, response, readCancel.Token).ConfigureAwait(false);
            if (engine.Changes.Exists.HasValue || engine.Changes.Expunged.Count > 0)
            {
                outcome = IdleOutcome.Changed;
                pending = engine.ReadResponseAsync(readCancel.Token).AsTask();
                break;
            }
            pending = engine.ReadResponseAsync(readCancel.Token).AsTask();
        }

        if (tagged is null)
        {
            engine.LogClient("DONE");
            engine.Queue("DONE\r\n"u8);
            await engine.FlushAsync(operationToken).ConfigureAwait(false);
            readCancel.CancelAfter(_options.CommandTimeout);
            while (true)
            {
                ImapResponse response;
                try
                {
                    response = await pending.ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (readCancel.IsCancellationRequested)
                {
                    throw ImapErrors.ConnectionLost($"no reply to DONE within {_options.CommandTimeout}", e);
                }
                if (response.Kind == ImapResponseKind.Tagged)
                {
                    tagged = response;
                    break;
                }
                await HandleIdleDataAsync(engine, response, readCancel.Token).ConfigureAwait(false);
                pending = engine.ReadResponseAsync(readCancel.Token).AsTask();
            }
        }
        engine.Reader.InactivitySource = inactivity;
        var changes = engine.Changes;
        engine.Changes = new MailboxChanges();
        if (tagged.Tag != tag)
            throw ImapErrors.Violation($"unexpected tag {tagged.Tag} ending IDLE");
        ImapEngine.ThrowIfFailed(tagged, "IDLE");
        if (changes.Exists.HasValue || changes.Expunged.Count > 0)
            outcome = IdleOutcome.Changed;
        return new IdleResult(outcome, changes);
    }

    private static async ValueTask HandleIdleDataAsync(ImapEngine engine, ImapResponse response, CancellationToken cancellationToken)
    {
        if (response.Kind == ImapResponseKind.Continuation)
            return; // some servers repeat "+ idling"
        if (response.IsComplete)
            return;
        if (response.Keyword == "FETCH")
            engine.Changes.FlagsChanged = true;
        await engine.Reader.SkipLineAsync(cancellationToken).ConfigureAwait(false);
    }
}
