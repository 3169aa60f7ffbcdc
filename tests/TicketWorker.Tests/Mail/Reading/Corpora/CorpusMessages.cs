using System.Text;

namespace TicketWorker.Tests.Mail.Reading.Corpora;

/// <summary>The messages of one corpus folder as (name, bytes); mbox files are split on "From " lines.</summary>
internal static class CorpusMessages
{
    private static readonly HashSet<string> MessageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".eml", ".msg", ".raw", ".txt" };

    public static IEnumerable<(string Name, byte[] Bytes)> Enumerate(string corpusDir)
    {
        foreach (var path in Directory.EnumerateFiles(corpusDir, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(corpusDir, path).Replace('\\', '/');
            var ext = Path.GetExtension(path);
            if (name.Contains("/mailbox/"[1..]) || name.StartsWith("mailbox/", StringComparison.Ordinal))
            {
                foreach (var item in SplitMbox(name, File.ReadAllBytes(path))) yield return item;
                continue;
            }
            if (!MessageExtensions.Contains(ext)) continue;
            // mime4j's expected-output files are not messages.
            if (name.Contains("_decoded_", StringComparison.Ordinal)) continue;
            yield return (name, File.ReadAllBytes(path));
        }
    }

    /// <summary>Splits an mbox on "From " lines; files without one (sisimai's size-N fixtures) are not mailboxes.</summary>
    private static IEnumerable<(string, byte[])> SplitMbox(string name, byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        if (!text.StartsWith("From ", StringComparison.Ordinal)) yield break;
        var starts = new List<int> { 0 };
        for (var i = text.IndexOf("\nFrom ", StringComparison.Ordinal); i >= 0; i = text.IndexOf("\nFrom ", i + 1, StringComparison.Ordinal))
        {
            starts.Add(i + 1);
        }
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1] : bytes.Length;
            yield return ($"{name}#{k + 1}", bytes[starts[k]..end]);
        }
    }
}
