namespace TicketWorker.Rules;

/// <summary>VIP customers (<c>vip:</c>): exact addresses and whole domains, case-insensitive.</summary>
public sealed class VipList(IEnumerable<string> addresses, IEnumerable<string> domains)
{
    private readonly HashSet<string> _addresses = new(addresses, StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _domains = new(domains, StringComparer.OrdinalIgnoreCase);

    public static VipList Empty { get; } = new([], []);

    public IReadOnlyCollection<string> Addresses => _addresses;
    public IReadOnlyCollection<string> Domains => _domains;

    /// <summary>Whether the address or its domain is listed.</summary>
    public bool Contains(string? address)
    {
        if (string.IsNullOrEmpty(address)) return false;
        if (_addresses.Contains(address)) return true;
        var at = address.LastIndexOf('@');
        return at >= 0 && _domains.Contains(address[(at + 1)..]);
    }
}
