using System.Text;

namespace TicketWorker.Mail.Reading;

/// <summary>RFC 3676 format=flowed: joins soft-broken lines back into paragraphs.</summary>
internal static class FlowedText
{
    /// <summary>
    /// Unflows text with LF line ends: a line ending in a space continues on the next line of the
    /// same quote depth (§4.2), space-stuffing is removed (§4.4), DelSp=yes drops the soft-break
    /// space (§4.3), and the signature separator "-- " stays a hard break (§4.3).
    /// </summary>
    public static string Unflow(string text, bool delSp)
    {
        var lines = text.Split('\n');
        var sb = new StringBuilder(text.Length);
        var paragraph = new StringBuilder();
        var paragraphDepth = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var depth = 0;
            while (depth < line.Length && line[depth] == '>') depth++;
            var content = line[depth..];
            // §4.4: a space after the quote marks (or at the start) is stuffing.
            if (content.StartsWith(' ')) content = content[1..];
            var flowed = content.EndsWith(' ') && content != "-- ";
            if (paragraphDepth >= 0 && depth != paragraphDepth)
            {
                // §4.5: a quote depth change ends the paragraph even after a soft break.
                AppendLine(sb, paragraphDepth, paragraph, i > 0);
                paragraphDepth = -1;
            }
            if (flowed && delSp) content = content[..^1];
            paragraph.Append(content);
            paragraphDepth = depth;
            if (!flowed)
            {
                AppendLine(sb, depth, paragraph, i < lines.Length - 1);
                paragraphDepth = -1;
            }
        }
        if (paragraphDepth >= 0) AppendLine(sb, paragraphDepth, paragraph, newline: false);
        return sb.ToString();
    }

    private static void AppendLine(StringBuilder sb, int depth, StringBuilder paragraph, bool newline)
    {
        if (depth > 0)
        {
            sb.Append('>', depth);
            if (paragraph.Length > 0) sb.Append(' ');
        }
        sb.Append(paragraph);
        if (newline) sb.Append('\n');
        paragraph.Clear();
    }
}
