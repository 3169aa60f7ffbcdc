using System.Net;

namespace TicketWorker.Agents.Verification;

/// <summary>
/// <c>TicketWorker:AgentVerification</c>: how the worker decides that a message claiming an agent's
/// address comes from that agent (issue 13, deliverable 6). A message is verified when ANY of the
/// configured <see cref="Methods"/> passes for the agent's address and domain.
/// </summary>
public sealed class AgentVerificationOptions
{
    /// <summary>Method names, in the order they are tried.</summary>
    public static readonly IReadOnlyList<string> Known = ["token", "dkim", "authresults", "arc"];

    /// <summary>
    /// Any of <c>token</c>, <c>dkim</c>, <c>authresults</c>, <c>arc</c>. Empty (the default) means
    /// <c>token</c> only. (A list so that environment overrides can set it: <c>…__Methods__0=dkim</c>.)
    /// </summary>
    public List<string> Methods { get; set; } = [];

    /// <summary>
    /// The DNS server DKIM and ARC keys are looked up at, <c>IP</c> or <c>IP:port</c>
    /// (<c>[IPv6]:port</c>); empty: the system resolver (/etc/resolv.conf).
    /// </summary>
    public string? DnsServer { get; set; }

    /// <summary>Time for one key lookup (one retry included); a lookup that takes longer fails the check.</summary>
    public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <c>authresults</c>: the authserv-id our own receiving server writes into Authentication-Results
    /// (Postfix + OpenDKIM: its <c>AuthservID</c>; Google: <c>mx.google.com</c>; Microsoft 365:
    /// <c>spf.protection.outlook.com</c>). Only the topmost header with this id counts.
    /// </summary>
    public string? AuthServId { get; set; }

    /// <summary>
    /// <c>arc</c>: signing domains (ARC-Seal <c>d=</c>) of forwarders whose ARC-Authentication-Results
    /// we believe, e.g. a mailing list or the provider that forwards the agents' mail to us.
    /// </summary>
    public List<string> TrustedArcSealers { get; set; } = [];

    /// <summary>
    /// <c>strict</c> (default): a DKIM <c>d=</c> (or an Authentication-Results domain) must equal the
    /// agent's domain. <c>relaxed</c>: a parent domain of at least two labels counts too (agent
    /// <c>ann@eu.example.com</c>, <c>d=example.com</c>), as in DMARC's relaxed alignment but without
    /// a public-suffix list, so only use it when your agents' domains are below one you control.
    /// </summary>
    public string Alignment { get; set; } = "strict";

    /// <summary>The configured methods, lower-case, <c>token</c> when none is configured.</summary>
    public IReadOnlyList<string> EffectiveMethods =>
        Methods.Count == 0
            ? ["token"]
            : Methods.Select(m => m.Trim().ToLowerInvariant()).Distinct().ToList();

    /// <summary>The DNS server as an endpoint (port 53 unless given), null for the system resolver.</summary>
    public IPEndPoint? DnsEndPoint => string.IsNullOrWhiteSpace(DnsServer) ? null : ParseEndPoint(DnsServer);

    /// <summary>Reports every problem of the section to <paramref name="error"/> (configuration key, message).</summary>
    public void Validate(string key, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(error);
        for (var i = 0; i < Methods.Count; i++)
            if (!Known.Contains(Methods[i].Trim().ToLowerInvariant()))
                error($"{key}:Methods:{i}", $"unknown agent verification method '{Methods[i]}' (use token, dkim, authresults or arc)");
        var methods = EffectiveMethods;
        if (!string.IsNullOrWhiteSpace(DnsServer) && ParseEndPoint(DnsServer) is null)
            error(key + ":DnsServer", $"DnsServer '{DnsServer}' is not an IP address with an optional port, like 127.0.0.1:53");
        if (DnsTimeout <= TimeSpan.Zero || DnsTimeout > TimeSpan.FromSeconds(60))
            error(key + ":DnsTimeout", "DnsTimeout must be positive and at most 00:01:00");
        if (methods.Contains("authresults") && string.IsNullOrWhiteSpace(AuthServId))
            error(key + ":AuthServId", "the authresults method needs AuthServId: the authserv-id your receiving server writes into Authentication-Results");
        if (methods.Contains("arc") && TrustedArcSealers.Count(s => !string.IsNullOrWhiteSpace(s)) == 0)
            error(key + ":TrustedArcSealers", "the arc method needs TrustedArcSealers: the ARC-Seal d= domains of forwarders you trust");
        if (Alignment is not ("strict" or "relaxed"))
            error(key + ":Alignment", $"Alignment '{Alignment}' is not one of strict, relaxed");
    }

    private static IPEndPoint? ParseEndPoint(string value)
    {
        // "1.2.3.4", "1.2.3.4:53", "::1", "[::1]:53"; a bare IPv6 address parses with port 0.
        if (!IPEndPoint.TryParse(value.Trim(), out var endPoint)) return null;
        return endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint;
    }
}
