using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Encodings;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// Files uuencoded into a plain-text body (old clients and scripts still send them): each
/// "begin MODE NAME" … "end" block becomes an attachment and leaves the text.
/// </summary>
internal static partial class Uuencoded
{
    /// <summary>The text without its uuencoded blocks, and an attachment per block.</summary>
    public static string Extract(string text, List<ReadAttachment> attachments)
    {
        if (!text.Contains("begin ", StringComparison.Ordinal)) return text;
        var result = new StringBuilder(text.Length);
        var position = 0;
        foreach (Match begin in BeginLine().Matches(text))
        {
            if (begin.Index < position) continue;
            var end = EndLine().Match(text, begin.Index + begin.Length);
            if (!end.Success) break;
            var block = text[begin.Index..(end.Index + end.Length)];
            var size = DecodedSize(block);
            if (size < 0) continue;
            var name = begin.Groups[2].Value.Trim();
            attachments.Add(new ReadAttachment(name, MimeTypes.GetMimeType(name).ToLowerInvariant(), size, null, false));
            result.Append(text, position, begin.Index - position);
            position = end.Index + end.Length;
            if (position < text.Length && text[position] == '\n') position++;
        }
        if (position == 0) return text;
        result.Append(text, position, text.Length - position);
        return result.ToString();
    }

    /// <summary>Decoded length of one block (begin line to end line), or -1 when it is not uuencode after all.</summary>
    private static long DecodedSize(string block)
    {
        var input = Encoding.Latin1.GetBytes(block.Replace("\n", "\r\n"));
        var decoder = new UUDecoder();
        var output = new byte[decoder.EstimateOutputLength(input.Length)];
        var n = decoder.Decode(input, 0, input.Length, output);
        return n > 0 ? n : -1;
    }

    // The mode is octal (e.g. 644); the name runs to the end of the line.
    [GeneratedRegex(@"^begin ([0-7]{3,4}) ([^\n]+)\n(?=[\x20-\x60]{1,62}\n)", RegexOptions.Multiline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BeginLine();

    [GeneratedRegex(@"^end[ \t]*$", RegexOptions.Multiline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EndLine();
}
