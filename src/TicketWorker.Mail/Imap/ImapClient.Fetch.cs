using System.Runtime.CompilerServices;

namespace TicketWorker.Mail.Imap;

public sealed partial class ImapClient
{
    /// <summary>
    /// UID FETCH of UID, FLAGS, INTERNALDATE, RFC822.SIZE and BODY.PEEK[] (RFC 3501 §6.4.5, §6.4.8),
    /// streamed: each message's <see cref="FetchedMessage.Body"/> reads from the connection and is valid
    /// until the next <c>MoveNextAsync</c>. Stopping early drains the rest of the response so the
    /// session stays usable. The command timeout applies to server silence, not to the whole download.
    /// </summary>
    public IAsyncEnumerable<FetchedMessage> FetchAsync(UidSet uids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        return FetchCoreAsync<FetchedMessage>(uids, withBody: true, cancellationToken);
    }

    /// <summary>UID FETCH of UID, FLAGS, INTERNALDATE and RFC822.SIZE only, without bodies.</summary>
    public async Task<IReadOnlyList<MessageSummary>> FetchSummariesAsync(UidSet uids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var result = new List<MessageSummary>();
        await foreach (var summary in FetchCoreAsync<MessageSummary>(uids, withBody: false, cancellationToken).ConfigureAwait(false))
            result.Add(summary);
        return result;
    }

    private async IAsyncEnumerable<T> FetchCoreAsync<T>(UidSet uids, bool withBody, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        var engine = EnterBusy();
        using var operation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        engine.Reader.InactivitySource = operation;
        engine.Reader.InactivityTimeout = _options.CommandTimeout;
        ImapFetchReader? reader = null;
        try
        {
            RequireSelected(engine);
            var command = new ImapCommand("UID FETCH").Raw(uids.ToString()).Raw(ImapFetchReader.ItemsFor(withBody));
            var tag = await GuardAsync(engine, () => engine.SendAsync(command, operation.Token), cancellationToken).ConfigureAwait(false);
            reader = new ImapFetchReader(engine, tag, withBody, operation.Token, e => HandleFailure(e, engine, cancellationToken) ?? e);
            while (true)
            {
                var next = await GuardAsync(engine, reader.NextAsync, cancellationToken).ConfigureAwait(false);
                if (next is null)
                    break;
                yield return (T)next;
            }
        }
        finally
        {
            if (reader is { IsComplete: false } && _engine == engine)
            {
                // The caller stopped early (break or exception): read the rest so the next command finds a clean stream.
                try
                {
                    await GuardAsync(engine, async () => { await reader.DrainAsync().ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // GuardAsync has already disconnected; the caller's own exception (if any) matters more.
                }
            }
            reader?.Invalidate();
            engine.Reader.InactivitySource = null;
            ExitBusy();
        }
    }

    private async Task<T> GuardAsync<T>(ImapEngine engine, Func<Task<T>> step, CancellationToken callerToken)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var replacement = HandleFailure(e, engine, callerToken);
            if (replacement is null)
                throw;
            throw replacement;
        }
    }
}
