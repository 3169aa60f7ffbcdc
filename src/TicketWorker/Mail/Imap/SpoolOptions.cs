namespace TicketWorker.Mail.Imap;

/// <summary>Where and from which size fetched message literals are spooled to disk (<see cref="SpoolingImapFolder"/>).</summary>
/// <param name="Threshold">Literals longer than this many bytes go to a temporary file.</param>
/// <param name="Directory">The folder for the temporary files.</param>
public sealed record SpoolOptions(int Threshold, string Directory)
{
    /// <summary>1 MB in memory at most per literal; larger ones in the system's temporary folder.</summary>
    public static SpoolOptions Default { get; } = new(1 << 20, Path.Combine(Path.GetTempPath(), "ticketworker-spool"));
}
