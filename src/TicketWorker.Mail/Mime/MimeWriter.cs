using System.Security.Cryptography;
using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>Low-level pieces of message writing: folded header lines, boundaries, encoded bodies.</summary>
internal static class MimeWriter
{
    /// <summary>RFC 5322 §2.1.1: lines SHOULD be at most 78 characters.</summary>
    public const int FoldColumn = 78;

    /// <summary>"Name: value" with CRLF, folded at blanks so that lines stay within 78 columns when possible.</summary>
    public static string FoldHeader(string name, string value)
    {
        var sb = new StringBuilder(name.Length + value.Length + 8);
        sb.Append(name).Append(':');
        var lineLength = sb.Length;
        // The blank after the colon starts the first segment, so even the first word can move to
        // a continuation line when "Name: word" would be too long (a 75-character encoded word).
        value = " " + value.Trim();
        var start = 0;
        for (var i = 1; i <= value.Length; i++)
        {
            // A segment starts at a blank that follows a non-blank; folding inserts CRLF before
            // that blank, so unfolding (removing CRLF) gives back exactly the original value.
            if (i < value.Length && !(value[i] == ' ' && value[i - 1] != ' ')) continue;
            var segment = value.AsSpan(start, i - start);
            // The first word only moves when it then fits: an over-long word stays after the colon.
            var fits = start > 0 || segment.Length <= FoldColumn;
            if (lineLength + segment.Length > FoldColumn && lineLength > 0 && segment[0] == ' ' && fits)
            {
                sb.Append("\r\n");
                lineLength = 0;
            }
            sb.Append(segment);
            lineLength += segment.Length;
            start = i;
        }
        return sb.Append("\r\n").ToString();
    }

    /// <summary>A boundary that cannot occur in base64 or quoted-printable output ("=_" is neither).</summary>
    public static string NewBoundary() => "=_" + RandomToken(24);

    /// <summary>Random letters and digits for boundaries and Message-IDs.</summary>
    public static string RandomToken(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }

    /// <summary>Text with every line break as CRLF.</summary>
    public static string NormalizeLineEndings(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "\r\n", StringComparison.Ordinal);

    /// <summary>Writes a UTF-8 text part: headers and body, with the transfer encoding chosen from the content.</summary>
    public static async Task WriteTextPartAsync(Stream stream, string subtype, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(NormalizeLineEndings(text));
        var encoding = TransferEncoding.Choose(bytes, isText: true);
        var charset = encoding == "7bit" ? "us-ascii" : "utf-8";
        var sb = new StringBuilder();
        sb.Append(FoldHeader("Content-Type", $"text/{subtype}; charset={charset}"));
        sb.Append(FoldHeader("Content-Transfer-Encoding", encoding));
        sb.Append("\r\n");
        var body = encoding switch
        {
            "base64" => TransferEncoding.EncodeBase64(bytes),
            "quoted-printable" => TransferEncoding.EncodeQuotedPrintable(bytes),
            _ => Encoding.ASCII.GetString(bytes),
        };
        sb.Append(body);
        if (!body.EndsWith("\r\n", StringComparison.Ordinal)) sb.Append("\r\n");
        await WriteAsciiAsync(stream, sb.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an attachment part: headers with RFC 2231 file names, then the content as base64.</summary>
    public static async Task WriteAttachmentAsync(Stream stream, MessageAttachment attachment, CancellationToken cancellationToken)
    {
        var parsed = ContentType.Parse(attachment.ContentType);
        var typeParameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in parsed.Parameters) typeParameters[key] = value;
        typeParameters["name"] = attachment.FileName;
        var contentType = new ContentType(parsed.MediaType, parsed.MediaSubtype, typeParameters);
        var disposition = new ContentDisposition(attachment.IsInline ? "inline" : "attachment",
            new Dictionary<string, string> { ["filename"] = attachment.FileName });

        var sb = new StringBuilder();
        sb.Append(FoldParameters("Content-Type", contentType.ToHeaderValue()));
        sb.Append(FoldParameters("Content-Disposition", disposition.ToHeaderValue()));
        if (attachment.ContentId is { Length: > 0 } cid) sb.Append(FoldHeader("Content-ID", $"<{cid.Trim('<', '>')}>"));
        sb.Append(FoldHeader("Content-Transfer-Encoding", "base64"));
        sb.Append("\r\n");
        await WriteAsciiAsync(stream, sb.ToString(), cancellationToken).ConfigureAwait(false);
        await using var content = attachment.OpenRead();
        await TransferEncoding.WriteBase64Async(content, stream, cancellationToken).ConfigureAwait(false);
    }

    public static Task WriteAsciiAsync(Stream stream, string text, CancellationToken cancellationToken) =>
        stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).AsTask();

    // Parameters are separated by "; " and may be folded after the ';' (RFC 2045 §5.1, RFC 2231 §3).
    private static string FoldParameters(string name, string value)
    {
        var parts = SplitOutsideQuotes(value);
        var sb = new StringBuilder();
        sb.Append(name).Append(": ").Append(parts[0]);
        var lineLength = sb.Length;
        foreach (var part in parts.Skip(1))
        {
            sb.Append(';');
            lineLength++;
            if (lineLength + 1 + part.Length > FoldColumn)
            {
                sb.Append("\r\n\t");
                lineLength = 1;
            }
            else
            {
                sb.Append(' ');
                lineLength++;
            }
            sb.Append(part);
            lineLength += part.Length;
        }
        return sb.Append("\r\n").ToString();
    }

    private static List<string> SplitOutsideQuotes(string value)
    {
        var parts = new List<string>();
        var inQuotes = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"' && (i == 0 || value[i - 1] != '\\')) inQuotes = !inQuotes;
            else if (!inQuotes && value[i] == ';' && i + 1 < value.Length && value[i + 1] == ' ')
            {
                parts.Add(value[start..i]);
                start = i + 2;
            }
        }
        parts.Add(value[start..]);
        return parts;
    }
}
