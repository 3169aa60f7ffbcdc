namespace TicketWorker.Replies;

/// <summary>
/// Automatic mails per address (the last 24 hours) as counted within one intake batch: an address's first count is
/// read from the store, and the batch's own acknowledgements are added as they are recorded, so the store is asked
/// once per address and batch instead of once per new ticket. A mail leaving the 24-hour window while the batch runs
/// (seconds) is still counted: the limit may hold back one mail more, never let one more through.
/// </summary>
public sealed class AutoReplyCounts
{
    private readonly Dictionary<string, int> counts = new(StringComparer.OrdinalIgnoreCase);

    internal bool TryGet(string address, out int count) => counts.TryGetValue(address.Trim(), out count);

    internal void Set(string address, int count) => counts[address.Trim()] = count;
}
