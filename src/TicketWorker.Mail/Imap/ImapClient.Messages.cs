using System.Globalization;
using System.Text;

namespace TicketWorker.Mail.Imap;

public sealed partial class ImapClient
{
    /// <summary>Runs UID SEARCH (RFC 3501 §6.4.4, §6.4.8) in the selected folder and returns the matching UIDs in ascending order.</summary>
    public Task<IReadOnlyList<uint>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync<IReadOnlyList<uint>>(async (engine, ct) =>
        {
            RequireSelected(engine);
            var command = new ImapCommand("UID SEARCH");
            if (query.ToString().Any(c => c > 0x7E))
                command.Raw("CHARSET UTF-8");
            query.RenderTo(command);
            var result = new List<uint>();
            await engine.RunAsync(command, async (response, token) =>
            {
                if (response.Keyword != "SEARCH")
                    return false;
                while (true)
                {
                    var t = await engine.Reader.ReadTokenAsync(token).ConfigureAwait(false);
                    if (t.Type == ImapTokenType.Eol)
                        break;
                    if (t.Type == ImapTokenType.Atom && uint.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                        result.Add(uid);
                    else
                        await engine.Reader.SkipValueAsync(t, token).ConfigureAwait(false); // e.g. (MODSEQ n)
                }
                return true;
            }, ct).ConfigureAwait(false);
            result.Sort();
            return result;
        }, cancellationToken);
    }

    /// <summary>Adds, removes or replaces flags and keywords with UID STORE … FLAGS.SILENT (RFC 3501 §6.4.6).</summary>
    public Task StoreAsync(UidSet uids, StoreAction action, IEnumerable<string> flags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var list = flags.Select(CheckFlag).ToList();
        var item = action switch
        {
            StoreAction.Add => "+FLAGS.SILENT",
            StoreAction.Remove => "-FLAGS.SILENT",
            _ => "FLAGS.SILENT",
        };
        return RunAsync(async (engine, ct) =>
        {
            RequireSelected(engine);
            var command = new ImapCommand("UID STORE").Raw(uids.ToString()).Raw(item).Raw("(" + string.Join(' ', list) + ")");
            await engine.RunAsync(command, FlagUpdateHandler(engine), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Copies messages to another folder with UID COPY (RFC 3501 §6.4.7); returns the UID mapping when the server has UIDPLUS.</summary>
    public Task<UidMap?> CopyAsync(UidSet uids, string destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return RunAsync(async (engine, ct) =>
        {
            RequireSelected(engine);
            var done = await engine.RunAsync(new ImapCommand("UID COPY").Raw(uids.ToString()).Mailbox(destination), null, ct).ConfigureAwait(false);
            return ToUidMap(done.Code);
        }, cancellationToken);
    }

    /// <summary>
    /// Moves messages to another folder: UID MOVE (RFC 6851) or, per <paramref name="strategy"/>, UID COPY +
    /// UID STORE +FLAGS.SILENT (\Deleted) + UID EXPUNGE (RFC 4315), which touches only the given UIDs.
    /// </summary>
    public Task<UidMap?> MoveAsync(UidSet uids, string destination, ImapMoveStrategy strategy = ImapMoveStrategy.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return RunAsync(async (engine, ct) =>
        {
            RequireSelected(engine);
            var useMove = strategy switch
            {
                ImapMoveStrategy.Move => true,
                ImapMoveStrategy.CopyAndExpunge => false,
                _ => engine.Capabilities.HasFlag(ImapCapabilities.Move),
            };
            if (useMove)
            {
                RequireCapability(engine, ImapCapabilities.Move, "UID MOVE");
                UidMap? map = null;
                // RFC 6851 §4.3: COPYUID comes in an untagged OK before the EXPUNGEs.
                var done = await engine.RunAsync(new ImapCommand("UID MOVE").Raw(uids.ToString()).Mailbox(destination), (response, _) =>
                {
                    if (response.Status == ImapStatus.Ok && response.Code?.Is("COPYUID") == true)
                        map = ToUidMap(response.Code);
                    return ValueTask.FromResult(false);
                }, ct).ConfigureAwait(false);
                return map ?? ToUidMap(done.Code);
            }
            // Without UIDPLUS a plain EXPUNGE would also remove other \Deleted messages: refuse instead.
            RequireCapability(engine, ImapCapabilities.UidPlus, "the COPY/EXPUNGE move fallback");
            var copied = await engine.RunAsync(new ImapCommand("UID COPY").Raw(uids.ToString()).Mailbox(destination), null, ct).ConfigureAwait(false);
            await engine.RunAsync(new ImapCommand("UID STORE").Raw(uids.ToString()).Raw("+FLAGS.SILENT (\\Deleted)"), FlagUpdateHandler(engine), ct).ConfigureAwait(false);
            await engine.RunAsync(new ImapCommand("UID EXPUNGE").Raw(uids.ToString()), FlagUpdateHandler(engine), ct).ConfigureAwait(false);
            return ToUidMap(copied.Code);
        }, cancellationToken);
    }

    // resp-text-code "COPYUID" SP nz-number SP uid-set SP uid-set (RFC 4315 §3)
    private static UidMap? ToUidMap(ImapResponseCode? code)
    {
        if (code is null || !code.Is("COPYUID") || code.Arguments.Count < 3)
            return null;
        return new UidMap(ImapEngine.ParseUInt(code.Arguments[0]), UidSet.Expand(code.Arguments[1]), UidSet.Expand(code.Arguments[2]));
    }

    /// <summary>
    /// Appends a message to a folder (RFC 3501 §6.3.11) with optional flags and internal date; uses a
    /// LITERAL+ literal when offered. Returns the new UID when the server has UIDPLUS (APPENDUID).
    /// </summary>
    public async Task<AppendResult> AppendAsync(
        string folder,
        ReadOnlyMemory<byte> message,
        IEnumerable<string>? flags = null,
        DateTimeOffset? internalDate = null,
        CancellationToken cancellationToken = default)
    {
        var results = await AppendAsync(folder, [new AppendMessage(message, flags?.ToList(), internalDate)], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Appends several messages in one command when the server offers MULTIAPPEND (RFC 3502: one
    /// round trip and one server transaction, all or nothing), otherwise one APPEND each. Returns one
    /// result per message in order (zeros without UIDPLUS).
    /// </summary>
    public Task<IReadOnlyList<AppendResult>> AppendAsync(string folder, IReadOnlyList<AppendMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
            return Task.FromResult<IReadOnlyList<AppendResult>>([]);
        foreach (var message in messages)
            message.Flags?.ToList().ForEach(f => CheckFlag(f));
        return RunAsync<IReadOnlyList<AppendResult>>(async (engine, ct) =>
        {
            var results = new List<AppendResult>(messages.Count);
            if (messages.Count > 1 && engine.Capabilities.HasFlag(ImapCapabilities.MultiAppend))
            {
                var command = new ImapCommand("APPEND").Mailbox(folder);
                foreach (var message in messages)
                    AddAppendArguments(command, message);
                var done = await engine.RunAsync(command, null, ct).ConfigureAwait(false);
                var uids = done.Code is { } code && code.Is("APPENDUID") && code.Arguments.Count >= 2 ? UidSet.Expand(code.Arguments[1]) : [];
                var validity = uids.Count == messages.Count ? ImapEngine.ParseUInt(done.Code!.Arguments[0]) : 0;
                for (var i = 0; i < messages.Count; i++)
                    results.Add(validity == 0 ? new AppendResult(0, 0) : new AppendResult(validity, uids[i]));
                return results;
            }
            foreach (var message in messages)
            {
                var command = new ImapCommand("APPEND").Mailbox(folder);
                AddAppendArguments(command, message);
                var done = await engine.RunAsync(command, null, ct).ConfigureAwait(false);
                results.Add(done.Code is { } code && code.Is("APPENDUID") && code.Arguments.Count >= 2
                    ? new AppendResult(ImapEngine.ParseUInt(code.Arguments[0]), ImapEngine.ParseUInt(code.Arguments[1]))
                    : new AppendResult(0, 0));
            }
            return results;
        }, cancellationToken);
    }

    // append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal (RFC 3501 §9)
    private static void AddAppendArguments(ImapCommand command, AppendMessage message)
    {
        if (message.Flags is { Count: > 0 } flags)
            command.Raw("(" + string.Join(' ', flags) + ")");
        if (message.InternalDate is { } date)
            command.Raw("\"" + ImapDate.Format(date) + "\"");
        command.Literal(message.Data);
    }

    /// <summary>Appends a message given as text (encoded as UTF-8).</summary>
    public Task<AppendResult> AppendAsync(string folder, string message, CancellationToken cancellationToken = default) =>
        AppendAsync(folder, Encoding.UTF8.GetBytes(message), null, null, cancellationToken);
}
