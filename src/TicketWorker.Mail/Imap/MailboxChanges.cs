namespace TicketWorker.Mail.Imap;

/// <summary>Untagged mailbox updates seen during a command (RFC 3501 §7.3–7.4): message count, expunges, flag updates.</summary>
public sealed class MailboxChanges
{
    private readonly List<uint> _expunged = [];

    /// <summary>The latest EXISTS count, or null if none arrived.</summary>
    public uint? Exists { get; internal set; }

    /// <summary>The latest RECENT count, or null if none arrived.</summary>
    public uint? Recent { get; internal set; }

    /// <summary>Message sequence numbers from EXPUNGE responses, in arrival order.</summary>
    public IReadOnlyList<uint> Expunged => _expunged;

    /// <summary>True when an unsolicited FETCH reported changed flags.</summary>
    public bool FlagsChanged { get; internal set; }

    /// <summary>True when anything at all was reported.</summary>
    public bool Any => Exists.HasValue || Recent.HasValue || _expunged.Count > 0 || FlagsChanged;

    internal void AddExpunge(uint sequence) => _expunged.Add(sequence);
}
