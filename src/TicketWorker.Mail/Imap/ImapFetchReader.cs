namespace TicketWorker.Mail.Imap;

/// <summary>
/// Reads the responses of one UID FETCH (RFC 3501 §7.4.2) message by message. In body mode it stops at
/// the BODY[] literal and hands it out as an <see cref="ImapLiteralStream"/>; the next call drains what
/// the caller left and parses the rest of that FETCH before moving on.
/// </summary>
internal sealed class ImapFetchReader
{
    private readonly ImapEngine _engine;
    private readonly string _tag;
    private readonly bool _withBody;
    private readonly CancellationToken _cancellationToken;
    private readonly Func<Exception, Exception> _onBodyFailure;
    private ImapLiteralStream? _body;
    private Item? _pending;

    public ImapFetchReader(ImapEngine engine, string tag, bool withBody, CancellationToken cancellationToken, Func<Exception, Exception> onBodyFailure)
    {
        _engine = engine;
        _tag = tag;
        _withBody = withBody;
        _cancellationToken = cancellationToken;
        _onBodyFailure = onBodyFailure;
    }

    /// <summary>True once the tagged completion was read.</summary>
    public bool IsComplete { get; private set; }

    private sealed class Item
    {
        public uint Uid;
        public List<string> Flags = [];
        public DateTimeOffset? InternalDate;
        public long Size = -1;
        public bool HasBody;
        public MemoryStream? BufferedBody;
    }

    // Bodies are streamed only when the UID came before them (Dovecot, most servers); otherwise the
    // body is buffered up to this size so the message can still be yielded with its UID.
    private const long MaxBufferedBody = 64L * 1024 * 1024;

    /// <summary>Returns the next message (with a streamed body in body mode) or null after the tagged OK.</summary>
    public async Task<object?> NextAsync()
    {
        var ct = _cancellationToken;
        if (_body is not null)
        {
            await _body.DrainAsync(ct).ConfigureAwait(false);
            _body = null;
            await ParseItemsAsync(_pending!, ct).ConfigureAwait(false);
            _pending = null;
        }
        while (!IsComplete)
        {
            var response = await _engine.ReadResponseAsync(ct).ConfigureAwait(false);
            switch (response.Kind)
            {
                case ImapResponseKind.Tagged when response.Tag == _tag:
                    IsComplete = true;
                    ImapEngine.ThrowIfFailed(response, "UID FETCH");
                    return null;
                case ImapResponseKind.Tagged:
                    throw ImapErrors.Violation($"unexpected tag {response.Tag} during UID FETCH");
                case ImapResponseKind.Continuation:
                    throw ImapErrors.Violation("unexpected continuation request during UID FETCH");
            }
            if (response.IsComplete)
                continue;
            if (response.Keyword != "FETCH")
            {
                await _engine.Reader.SkipLineAsync(ct).ConfigureAwait(false);
                continue;
            }
            await _engine.Reader.ExpectAsync(ImapTokenType.OpenParen, ct).ConfigureAwait(false);
            var item = new Item();
            var stoppedAtBody = await ParseItemsAsync(item, ct).ConfigureAwait(false);
            if (stoppedAtBody)
            {
                _pending = item;
                return new FetchedMessage(item.Uid, item.Flags, item.InternalDate, item.Size >= 0 ? item.Size : _body!.Length, _body!);
            }
            if (item.Uid == 0)
            {
                // An unsolicited FETCH without UID (a flag change seen meanwhile): not part of our result.
                _engine.Changes.FlagsChanged = true;
                continue;
            }
            if (_withBody && !item.HasBody)
                continue; // a flag update for one of our UIDs without the body we asked for
            if (_withBody)
            {
                var body = item.BufferedBody ?? new MemoryStream([], false);
                body.Position = 0;
                return new FetchedMessage(item.Uid, item.Flags, item.InternalDate, item.Size >= 0 ? item.Size : body.Length, body);
            }
            return new MessageSummary(item.Uid, item.Flags, item.InternalDate, Math.Max(item.Size, 0));
        }
        return null;
    }

    /// <summary>Drains the rest of the command after the caller stopped enumerating early.</summary>
    public async Task DrainAsync()
    {
        while (await NextAsync().ConfigureAwait(false) is not null)
        {
        }
    }

    /// <summary>Invalidates a body stream still handed out (the connection is gone).</summary>
    public void Invalidate() => _body?.Invalidate();

    // msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP ...) ")" — RFC 3501 §9.
    // Returns true when it stopped at a body literal to stream (body mode only).
    private async ValueTask<bool> ParseItemsAsync(Item item, CancellationToken ct)
    {
        var reader = _engine.Reader;
        while (true)
        {
            var token = await reader.ReadTokenAsync(ct).ConfigureAwait(false);
            if (token.Type == ImapTokenType.CloseParen)
            {
                await reader.ExpectAsync(ImapTokenType.Eol, ct).ConfigureAwait(false);
                return false;
            }
            if (token.Type != ImapTokenType.Atom)
                throw ImapErrors.Violation($"expected a FETCH item name but the server sent {token}");
            switch (token.Value!.ToUpperInvariant())
            {
                case "UID":
                    item.Uid = ImapEngine.ParseUInt((await reader.ExpectAsync(ImapTokenType.Atom, ct).ConfigureAwait(false)).Value);
                    break;
                case "FLAGS":
                    item.Flags = await _engine.ReadStringListAsync(ct).ConfigureAwait(false);
                    break;
                case "INTERNALDATE":
                    var date = await reader.ReadTokenAsync(ct).ConfigureAwait(false);
                    item.InternalDate = ImapDate.TryParse(date.Value)
                        ?? throw ImapErrors.Violation($"unparsable INTERNALDATE {date}");
                    break;
                case "RFC822.SIZE":
                    item.Size = ImapEngine.ParseLong((await reader.ExpectAsync(ImapTokenType.Atom, ct).ConfigureAwait(false)).Value);
                    break;
                case "BODY":
                case "BINARY":
                case "RFC822":
                    if (await SkipSectionAsync(ct).ConfigureAwait(false) is not { } value)
                        break; // BODY without section is BODYSTRUCTURE-like data, already skipped
                    item.HasBody = true;
                    if (value.Type == ImapTokenType.Literal)
                    {
                        if (_withBody && item.Uid != 0)
                        {
                            _body = new ImapLiteralStream(reader, value.Length, ct, _onBodyFailure);
                            return true;
                        }
                        if (_withBody)
                        {
                            if (value.Length > MaxBufferedBody)
                                throw ImapErrors.Violation($"the server sent a {value.Length}-byte body before the message's UID");
                            item.BufferedBody = new MemoryStream(await reader.ReadLiteralBytesAsync(value.Length, ct).ConfigureAwait(false), false);
                            break;
                        }
                        await reader.SkipBytesAsync(value.Length, ct).ConfigureAwait(false);
                    }
                    else if (value.Type == ImapTokenType.QuotedString && _withBody)
                    {
                        item.BufferedBody = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(value.Value!), false);
                    }
                    break;
                default:
                    var next = await reader.ReadTokenAsync(ct).ConfigureAwait(false);
                    await reader.SkipValueAsync(next, ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    // section = "[" [section-spec] "]" and an optional "<origin>"; returns the value token that follows,
    // or null when the item had no section (BODY as body structure), in which case its value was skipped.
    private async ValueTask<ImapToken?> SkipSectionAsync(CancellationToken ct)
    {
        var reader = _engine.Reader;
        var token = await reader.ReadTokenAsync(ct).ConfigureAwait(false);
        if (token.Type != ImapTokenType.OpenBracket)
        {
            if (token.Type is ImapTokenType.Literal or ImapTokenType.QuotedString or ImapTokenType.Nil)
                return token; // RFC822 has no section
            await reader.SkipValueAsync(token, ct).ConfigureAwait(false);
            return null;
        }
        var depth = 1;
        while (depth > 0)
        {
            var t = await reader.ReadTokenAsync(ct).ConfigureAwait(false);
            if (t.Type == ImapTokenType.CloseBracket) depth--;
            else if (t.Type == ImapTokenType.OpenBracket) depth++;
            else if (t.Type == ImapTokenType.Eol) throw ImapErrors.Violation("FETCH section not closed");
        }
        var value = await reader.ReadTokenAsync(ct).ConfigureAwait(false);
        if (value.Type == ImapTokenType.Atom && value.Value!.StartsWith('<'))
            value = await reader.ReadTokenAsync(ct).ConfigureAwait(false); // <origin> of a partial fetch
        return value;
    }

    internal static string ItemsFor(bool withBody) =>
        withBody ? "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])" : "(UID FLAGS INTERNALDATE RFC822.SIZE)";
}
