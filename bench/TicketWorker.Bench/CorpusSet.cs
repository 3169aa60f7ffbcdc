namespace TicketWorker.Bench;

/// <summary>Loads the messages of the shared corpus (see ../shared/corpus/README.md) into memory.</summary>
internal static class CorpusSet
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".eml", ".msg", ".raw", ".txt" };

    public static IReadOnlyList<byte[]> Load(string root) => Files(root).Select(File.ReadAllBytes).ToList();

    /// <summary>The message files of the corpus, in a stable order.</summary>
    public static IReadOnlyList<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(p => Extensions.Contains(Path.GetExtension(p)) && !Path.GetFileName(p).Contains("_decoded_", StringComparison.Ordinal))
            .Where(p => new FileInfo(p).Length > 0)
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
}
