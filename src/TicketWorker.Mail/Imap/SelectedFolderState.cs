namespace TicketWorker.Mail.Imap;

/// <summary>Mutable state of the selected folder, updated by untagged data (RFC 3501 §6.3.1, §7.3).</summary>
internal sealed class SelectedFolderState(string name)
{
    public string Name { get; } = name;
    public bool IsReadOnly { get; set; }
    public uint UidValidity { get; set; }
    public uint UidNext { get; set; }
    public uint Exists { get; set; }
    public uint Recent { get; set; }
    public IReadOnlyList<string> Flags { get; set; } = [];
    public IReadOnlyList<string> PermanentFlags { get; set; } = [];

    public FolderInfo ToInfo() => new(
        Name, IsReadOnly, UidValidity, UidNext, Exists, Recent, Flags, PermanentFlags,
        PermanentFlags.Contains("\\*"));
}
