using System.Globalization;
using System.Text;

namespace TicketWorker.Mail.Imap;

// Reading responses and applying untagged data to the connection state (RFC 3501 §7).
internal sealed partial class ImapEngine
{
    /// <summary>Reads the next response; applies the untagged data it understands to the state.</summary>
    public async ValueTask<ImapResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var first = await Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        if (first.Type != ImapTokenType.Atom)
            throw ImapErrors.Violation($"a response cannot start with {first}");
        ImapResponse response;
        if (first.Value == "+")
        {
            var text = await Reader.ReadLineTextAsync(cancellationToken).ConfigureAwait(false);
            response = new ImapResponse(ImapResponseKind.Continuation, null, ImapStatus.None, "+", 0, null, text, true);
        }
        else if (first.Value == "*")
        {
            response = await ReadUntaggedAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var statusToken = await Reader.ExpectAsync(ImapTokenType.Atom, cancellationToken).ConfigureAwait(false);
            var status = ParseStatus(statusToken.Value!);
            if (status is not (ImapStatus.Ok or ImapStatus.No or ImapStatus.Bad))
                throw ImapErrors.Violation($"tagged response with status {statusToken.Value}");
            var (code, text) = await ReadResponseTextAsync(cancellationToken).ConfigureAwait(false);
            response = new ImapResponse(ImapResponseKind.Tagged, first.Value, status, statusToken.Value!.ToUpperInvariant(), 0, code, text, true);
        }
        LogServer(response);
        return response;
    }

    private async ValueTask<ImapResponse> ReadUntaggedAsync(CancellationToken cancellationToken)
    {
        var token = await Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        if (token.Type != ImapTokenType.Atom)
            throw ImapErrors.Violation($"untagged response starting with {token}");
        if (uint.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var keyword = (await Reader.ExpectAsync(ImapTokenType.Atom, cancellationToken).ConfigureAwait(false)).Value!.ToUpperInvariant();
            switch (keyword)
            {
                // RFC 3501 §7.3.1, §7.3.2, §7.4.1: may arrive at any time, during any command.
                case "EXISTS":
                    if (Folder is not null) Folder.Exists = number;
                    Changes.Exists = number;
                    break;
                case "RECENT":
                    if (Folder is not null) Folder.Recent = number;
                    Changes.Recent = number;
                    break;
                case "EXPUNGE":
                    if (Folder is not null && Folder.Exists > 0) Folder.Exists--;
                    Changes.AddExpunge(number);
                    break;
                default:
                    return new ImapResponse(ImapResponseKind.Untagged, null, ImapStatus.None, keyword, number, null, string.Empty, false);
            }
            await Reader.SkipLineAsync(cancellationToken).ConfigureAwait(false);
            return new ImapResponse(ImapResponseKind.Untagged, null, ImapStatus.None, keyword, number, null, string.Empty, true);
        }

        var name = token.Value!.ToUpperInvariant();
        var status = ParseStatus(name);
        if (status != ImapStatus.None)
        {
            var (code, text) = await ReadResponseTextAsync(cancellationToken).ConfigureAwait(false);
            if (status == ImapStatus.Bye)
                ByeText = text;
            return new ImapResponse(ImapResponseKind.Untagged, null, status, name, 0, code, text, true);
        }
        switch (name)
        {
            case "CAPABILITY":
                var names = new List<string>();
                while (true)
                {
                    var t = await Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
                    if (t.Type == ImapTokenType.Eol)
                        break;
                    if (t.IsString)
                        names.Add(t.Value!);
                }
                SetCapabilities(names);
                return new ImapResponse(ImapResponseKind.Untagged, null, ImapStatus.None, name, 0, null, string.Empty, true);
            case "FLAGS":
                var flags = await ReadStringListAsync(cancellationToken).ConfigureAwait(false);
                await Reader.SkipLineAsync(cancellationToken).ConfigureAwait(false);
                if (Folder is not null)
                    Folder.Flags = flags;
                return new ImapResponse(ImapResponseKind.Untagged, null, ImapStatus.None, name, 0, null, string.Empty, true);
            default:
                return new ImapResponse(ImapResponseKind.Untagged, null, ImapStatus.None, name, 0, null, string.Empty, false);
        }
    }

    /// <summary>Reads a parenthesized list of atoms/strings (flags, attributes); NIL gives an empty list.</summary>
    public async ValueTask<List<string>> ReadStringListAsync(CancellationToken cancellationToken)
    {
        var result = new List<string>();
        var open = await Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        if (open.Type == ImapTokenType.Nil)
            return result;
        if (open.Type != ImapTokenType.OpenParen)
            throw ImapErrors.Violation($"expected a list but the server sent {open}");
        while (true)
        {
            var t = await Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            switch (t.Type)
            {
                case ImapTokenType.CloseParen:
                    return result;
                case ImapTokenType.Atom:
                case ImapTokenType.QuotedString:
                    result.Add(t.Value!);
                    break;
                case ImapTokenType.Literal:
                    result.Add(Encoding.UTF8.GetString(await Reader.ReadLiteralAsync(t.Length, cancellationToken).ConfigureAwait(false)));
                    break;
                default:
                    throw ImapErrors.Violation($"unexpected {t} in a list");
            }
        }
    }

    // resp-text = ["[" resp-text-code "]" SP] text (RFC 3501 §9)
    private async ValueTask<(ImapResponseCode? Code, string Text)> ReadResponseTextAsync(CancellationToken cancellationToken)
    {
        ImapResponseCode? code = null;
        if (await Reader.PeekByteAsync(cancellationToken).ConfigureAwait(false) == (byte)'[')
        {
            await Reader.ExpectAsync(ImapTokenType.OpenBracket, cancellationToken).ConfigureAwait(false);
            var name = await Reader.ExpectAsync(ImapTokenType.Atom, cancellationToken).ConfigureAwait(false);
            var args = new List<string>();
            while (true)
            {
                var t = await Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
                if (t.Type == ImapTokenType.CloseBracket)
                    break;
                switch (t.Type)
                {
                    case ImapTokenType.Eol:
                        throw ImapErrors.Violation("response code not closed with ']'");
                    case ImapTokenType.Atom:
                    case ImapTokenType.QuotedString:
                        args.Add(t.Value!);
                        break;
                    case ImapTokenType.Nil:
                        args.Add("NIL");
                        break;
                    case ImapTokenType.Literal:
                        args.Add(Encoding.UTF8.GetString(await Reader.ReadLiteralAsync(t.Length, cancellationToken).ConfigureAwait(false)));
                        break;
                }
            }
            code = new ImapResponseCode(name.Value!.ToUpperInvariant(), args);
            ApplyCode(code);
        }
        var text = await Reader.ReadLineTextAsync(cancellationToken).ConfigureAwait(false);
        return (code, text);
    }

    private void ApplyCode(ImapResponseCode code)
    {
        switch (code.Name)
        {
            case "CAPABILITY":
                SetCapabilities(code.Arguments);
                break;
            case "UIDVALIDITY" when Folder is not null && code.Arguments.Count > 0:
                Folder.UidValidity = ParseUInt(code.Arguments[0]);
                break;
            case "UIDNEXT" when Folder is not null && code.Arguments.Count > 0:
                Folder.UidNext = ParseUInt(code.Arguments[0]);
                break;
            case "PERMANENTFLAGS" when Folder is not null:
                Folder.PermanentFlags = [.. code.Arguments];
                break;
            case "READ-ONLY" when Folder is not null:
                Folder.IsReadOnly = true;
                break;
            case "READ-WRITE" when Folder is not null:
                Folder.IsReadOnly = false;
                break;
        }
    }

    private void SetCapabilities(IEnumerable<string> names)
    {
        Capabilities = ImapCapabilities.None;
        AuthenticationMechanisms.Clear();
        foreach (var name in names)
        {
            if (name.StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase))
                AuthenticationMechanisms.Add(name[5..].ToUpperInvariant());
            else if (CapabilityNames.TryGetValue(name, out var flag))
                Capabilities |= flag;
        }
        CapabilitiesKnown = true;
    }
}
