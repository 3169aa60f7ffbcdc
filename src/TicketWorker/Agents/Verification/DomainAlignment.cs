namespace TicketWorker.Agents.Verification;

/// <summary>Whether an authenticated domain (DKIM d=, SPF MAIL FROM domain) speaks for an agent's domain.</summary>
public static class DomainAlignment
{
    /// <summary>
    /// Strict: the same domain (case-insensitive, a trailing dot ignored). Relaxed: also a parent
    /// domain of the agent's with at least two labels (<c>example.com</c> for <c>eu.example.com</c>).
    /// </summary>
    public static bool Aligned(string? authenticated, string agentDomain, bool relaxed)
    {
        if (string.IsNullOrWhiteSpace(authenticated)) return false;
        var a = Normalize(authenticated);
        var agent = Normalize(agentDomain);
        if (a.Length == 0 || agent.Length == 0) return false;
        if (a == agent) return true;
        return relaxed && a.Contains('.') && agent.EndsWith("." + a, StringComparison.Ordinal);
    }

    /// <summary>The domain of an address (<c>user@domain</c>), or the value itself when it has no <c>@</c>.</summary>
    public static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return Normalize(at >= 0 ? address[(at + 1)..] : address);
    }

    private static string Normalize(string domain) => domain.Trim().Trim('<', '>').TrimEnd('.').ToLowerInvariant();
}
