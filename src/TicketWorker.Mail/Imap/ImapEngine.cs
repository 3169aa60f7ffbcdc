using System.Buffers;
using System.Globalization;
using System.Text;
using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Imap;

/// <summary>
/// The IMAP protocol engine: tags commands, sends literals (synchronizing or LITERAL+), reads
/// responses, and applies untagged data that may arrive at any time (RFC 3501 §5.2, §7) to the
/// connection state: capabilities, selected-folder counts and flags, response codes, BYE.
/// One command at a time; the public <see cref="ImapClient"/> serializes callers.
/// </summary>
internal sealed partial class ImapEngine
{
    private const int DirectWriteThreshold = 32 * 1024;

    private static readonly Dictionary<string, ImapCapabilities> CapabilityNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["IMAP4REV1"] = ImapCapabilities.Imap4Rev1,
        ["IMAP4REV2"] = ImapCapabilities.Imap4Rev2,
        ["STARTTLS"] = ImapCapabilities.StartTls,
        ["LOGINDISABLED"] = ImapCapabilities.LoginDisabled,
        ["SASL-IR"] = ImapCapabilities.SaslIR,
        ["LITERAL+"] = ImapCapabilities.LiteralPlus,
        ["LITERAL-"] = ImapCapabilities.LiteralMinus,
        ["IDLE"] = ImapCapabilities.Idle,
        ["MOVE"] = ImapCapabilities.Move,
        ["UIDPLUS"] = ImapCapabilities.UidPlus,
        ["NAMESPACE"] = ImapCapabilities.Namespace,
        ["ID"] = ImapCapabilities.Id,
        ["ENABLE"] = ImapCapabilities.Enable,
        ["CHILDREN"] = ImapCapabilities.Children,
        ["UNSELECT"] = ImapCapabilities.Unselect,
        ["CONDSTORE"] = ImapCapabilities.CondStore,
        ["QRESYNC"] = ImapCapabilities.QResync,
        ["ESEARCH"] = ImapCapabilities.ESearch,
        ["SPECIAL-USE"] = ImapCapabilities.SpecialUse,
        ["LIST-EXTENDED"] = ImapCapabilities.ListExtended,
        ["LIST-STATUS"] = ImapCapabilities.ListStatus,
        ["UTF8=ACCEPT"] = ImapCapabilities.Utf8Accept,
        ["BINARY"] = ImapCapabilities.Binary,
        ["MULTIAPPEND"] = ImapCapabilities.MultiAppend,
        ["STATUS=SIZE"] = ImapCapabilities.Status,
    };

    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private readonly ProtocolLogHandler? _log;
    private Stream _stream;
    private int _tagCounter;

    public ImapEngine(Stream stream, ProtocolLogHandler? log)
    {
        _stream = stream;
        _log = log;
        Reader = new ImapReader(stream);
    }

    public ImapReader Reader { get; private set; }

    public ImapCapabilities Capabilities { get; private set; }

    public HashSet<string> AuthenticationMechanisms { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True once a CAPABILITY response or code arrived since the last reset.</summary>
    public bool CapabilitiesKnown { get; private set; }

    /// <summary>The text of a BYE the server sent, if any (it is about to close the connection).</summary>
    public string? ByeText { get; private set; }

    /// <summary>State of the selected (or being selected) folder.</summary>
    public SelectedFolderState? Folder { get; set; }

    /// <summary>Mailbox updates seen since the client last reset it.</summary>
    public MailboxChanges Changes { get; set; } = new();

    /// <summary>Replaces the transport after STARTTLS; nothing the server sent before may remain buffered.</summary>
    public void ReplaceStream(Stream stream)
    {
        _stream = stream;
        Reader = new ImapReader(stream)
        {
            InactivitySource = Reader.InactivitySource,
            InactivityTimeout = Reader.InactivityTimeout,
        };
    }

    /// <summary>Forgets capabilities: RFC 3501 §6.2.1 requires discarding them after STARTTLS and authentication.</summary>
    public void ResetCapabilities()
    {
        Capabilities = ImapCapabilities.None;
        AuthenticationMechanisms.Clear();
        CapabilitiesKnown = false;
    }

    /// <summary>Keeps the capabilities in force but notes that they must be re-read unless the server sends new ones.</summary>
    public void MarkCapabilitiesStale() => CapabilitiesKnown = false;

    public string NextTag() => "A" + (++_tagCounter).ToString("D4", CultureInfo.InvariantCulture);

    public void LogClient(string text) => _log?.Invoke(ProtocolDirection.Client, text);

    private void LogServer(ImapResponse response) => _log?.Invoke(ProtocolDirection.Server, response.ToString());

    /// <summary>Queues bytes for the next flush.</summary>
    public void Queue(ReadOnlySpan<byte> data) => _out.Write(data);

    public void Queue(string ascii)
    {
        var span = _out.GetSpan(Encoding.UTF8.GetMaxByteCount(ascii.Length));
        _out.Advance(Encoding.UTF8.GetBytes(ascii, span));
    }

    /// <summary>Writes queued bytes and then <paramref name="direct"/> straight to the stream.</summary>
    public async Task FlushAsync(ReadOnlyMemory<byte> direct, CancellationToken cancellationToken)
    {
        var timer = Reader.InactivitySource;
        timer?.CancelAfter(Reader.InactivityTimeout);
        try
        {
            if (_out.WrittenCount > 0)
            {
                await _stream.WriteAsync(_out.WrittenMemory, cancellationToken).ConfigureAwait(false);
                _out.Clear();
            }
            if (!direct.IsEmpty)
                await _stream.WriteAsync(direct, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
                timer?.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (IOException e)
        {
            _out.Clear();
            throw ImapErrors.ConnectionLost(e.Message, e);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            _out.Clear();
            throw ImapErrors.ConnectionLost(e.Message, e);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken) => FlushAsync(ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <summary>Sends a whole command; waits for continuation requests before synchronizing literals. Returns the tag.</summary>
    public async Task<string> SendAsync(ImapCommand command, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        var parts = command.Build();
        var log = new StringBuilder(tag).Append(' ');
        Queue(tag);
        Queue(" "u8);
        foreach (var (data, isLiteral) in parts)
        {
            if (!isLiteral)
            {
                Queue(data.Span);
                log.Append(command.Sensitive ? command.Name + " ********" : Encoding.UTF8.GetString(data.Span));
                continue;
            }
            log.Append(command.Sensitive ? string.Empty : "{" + data.Length + "} ");
            // RFC 7888: LITERAL+ always, LITERAL- up to 4096 bytes, may skip the continuation round trip.
            var nonSynchronizing = Capabilities.HasFlag(ImapCapabilities.LiteralPlus)
                || (Capabilities.HasFlag(ImapCapabilities.LiteralMinus) && data.Length <= 4096);
            Queue("{" + data.Length.ToString(CultureInfo.InvariantCulture) + (nonSynchronizing ? "+}\r\n" : "}\r\n"));
            if (!nonSynchronizing)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
                await WaitForContinuationAsync(tag, command, cancellationToken).ConfigureAwait(false);
            }
            if (data.Length >= DirectWriteThreshold)
                await FlushAsync(data, cancellationToken).ConfigureAwait(false);
            else
                Queue(data.Span);
        }
        Queue("\r\n"u8);
        LogClient(log.ToString().TrimEnd());
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return tag;
    }

    private async Task WaitForContinuationAsync(string tag, ImapCommand command, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            switch (response.Kind)
            {
                case ImapResponseKind.Continuation:
                    return;
                case ImapResponseKind.Tagged when response.Tag == tag:
                    // The server refused the literal: the command is over (RFC 3501 §7.5).
                    ThrowIfFailed(response, command.Name);
                    throw ImapErrors.Violation($"{command.Name} completed before its literal was sent");
                case ImapResponseKind.Tagged:
                    throw ImapErrors.Violation($"unexpected tag {response.Tag}");
                default:
                    if (!response.IsComplete)
                        await Reader.SkipLineAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Sends a command and reads until its tagged completion; untagged data goes to <paramref name="untagged"/> first.</summary>
    public async Task<ImapResponse> RunAsync(
        ImapCommand command,
        Func<ImapResponse, CancellationToken, ValueTask<bool>>? untagged,
        CancellationToken cancellationToken)
    {
        var tag = await SendAsync(command, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(tag, command.Name, untagged, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads responses until the tagged completion of <paramref name="tag"/>; throws on NO/BAD.</summary>
    public async Task<ImapResponse> CompleteAsync(
        string tag,
        string commandName,
        Func<ImapResponse, CancellationToken, ValueTask<bool>>? untagged,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            switch (response.Kind)
            {
                case ImapResponseKind.Tagged when response.Tag == tag:
                    ThrowIfFailed(response, commandName);
                    return response;
                case ImapResponseKind.Tagged:
                    throw ImapErrors.Violation($"unexpected tag {response.Tag} while waiting for {tag}");
                case ImapResponseKind.Continuation:
                    throw ImapErrors.Violation($"unexpected continuation request during {commandName}");
                default:
                    var handled = untagged is not null && await untagged(response, cancellationToken).ConfigureAwait(false);
                    if (!handled && !response.IsComplete)
                        await Reader.SkipLineAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    public static void ThrowIfFailed(ImapResponse tagged, string commandName)
    {
        if (tagged.Status == ImapStatus.Ok)
            return;
        throw ImapErrors.CommandFailed(commandName, tagged.Status, tagged.Code, tagged.Text);
    }

    private static ImapStatus ParseStatus(string text) => text.ToUpperInvariant() switch
    {
        "OK" => ImapStatus.Ok,
        "NO" => ImapStatus.No,
        "BAD" => ImapStatus.Bad,
        "BYE" => ImapStatus.Bye,
        "PREAUTH" => ImapStatus.PreAuth,
        _ => ImapStatus.None,
    };

    public static uint ParseUInt(string? text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw ImapErrors.Violation($"expected a number but the server sent '{text}'");

    public static long ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw ImapErrors.Violation($"expected a number but the server sent '{text}'");
}
