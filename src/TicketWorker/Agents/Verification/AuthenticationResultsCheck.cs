using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace TicketWorker.Agents.Verification;

/// <summary>
/// The <c>authresults</c> method: what our own receiving server found (RFC 8601). Only the TOPMOST
/// Authentication-Results header whose authserv-id is ours counts: a receiving server adds its
/// header on top of those that came with the message, and every header below it may have been
/// written by the sender (RFC 8601 §5, §7.2). It passes with <c>dkim=pass</c> for the agent's
/// domain (header.d, or the domain of header.i) or <c>spf=pass</c> with the agent's domain as
/// smtp.mailfrom. Parsing is MimeKit's <see cref="AuthenticationResults"/> (CFWS and comments,
/// quoted values, several resinfo, version numbers); an unparsable topmost header fails.
/// </summary>
public static class AuthenticationResultsCheck
{
    public const string HeaderName = "Authentication-Results";

    public static CheckResult Check(MimeMessage message, string agentDomain, string authServId, bool relaxed)
    {
        ArgumentNullException.ThrowIfNull(message);
        var header = message.Headers.FirstOrDefault(h =>
            h.Field.Equals(HeaderName, StringComparison.OrdinalIgnoreCase)
            && string.Equals(AuthServIdOf(h.RawValue), authServId, StringComparison.OrdinalIgnoreCase));
        if (header is null)
            return CheckResult.Fail($"no Authentication-Results from {authServId}");
        if (!AuthenticationResults.TryParse(header.RawValue, out var results))
            return CheckResult.Fail($"the topmost Authentication-Results from {authServId} cannot be parsed");
        return Evaluate(results, agentDomain, relaxed, $"Authentication-Results from {authServId}");
    }

    /// <summary>Whether parsed results say dkim=pass or spf=pass for the agent's domain (shared with the ARC check).</summary>
    internal static CheckResult Evaluate(AuthenticationResults results, string agentDomain, bool relaxed, string source)
    {
        var said = new List<string>();
        foreach (var r in results.Results)
        {
            var method = r.Method?.ToLowerInvariant();
            var result = r.Result?.ToLowerInvariant();
            if (method == "dkim")
            {
                var d = Property(r, "header", "d") ?? (Property(r, "header", "i") is { } i ? DomainAlignment.DomainOf(i) : null);
                if (result == "pass" && DomainAlignment.Aligned(d, agentDomain, relaxed))
                    return CheckResult.Pass($"{source}: dkim=pass header.d={d}");
                said.Add($"dkim={result}{(d is null ? "" : " header.d=" + d)}");
            }
            else if (method == "spf")
            {
                var mailFrom = Property(r, "smtp", "mailfrom");
                var domain = mailFrom is null ? null : DomainAlignment.DomainOf(mailFrom);
                if (result == "pass" && DomainAlignment.Aligned(domain, agentDomain, relaxed))
                    return CheckResult.Pass($"{source}: spf=pass smtp.mailfrom={mailFrom}");
                said.Add($"spf={result}{(mailFrom is null ? "" : " smtp.mailfrom=" + mailFrom)}");
            }
        }
        return CheckResult.Fail($"{source} has no dkim or spf pass for {agentDomain}" + (said.Count > 0 ? $" ({string.Join(", ", said)})" : ""));
    }

    private static string? Property(AuthenticationMethodResult result, string type, string name) =>
        result.Properties.FirstOrDefault(p =>
            string.Equals(p.PropertyType, type, StringComparison.OrdinalIgnoreCase)
            && string.Equals(p.Property, name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>
    /// The authserv-id of a raw Authentication-Results value: the first value (token or
    /// quoted-string) after optional CFWS (RFC 8601 §2.2), or null when there is none. Read without
    /// the full parser so that the topmost header of our server is found even if it fails to parse.
    /// </summary>
    public static string? AuthServIdOf(byte[] rawValue)
    {
        ArgumentNullException.ThrowIfNull(rawValue);
        var text = Encoding.UTF8.GetString(rawValue);
        var i = SkipCfws(text, 0);
        if (i >= text.Length) return null;
        var sb = new StringBuilder();
        if (text[i] == '"')
        {
            for (i++; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length) i++;
                if (text[i] is not ('\r' or '\n')) sb.Append(text[i]);
            }
            return i < text.Length ? sb.ToString() : null;
        }
        for (; i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not (';' or '(' or '"'); i++)
            sb.Append(text[i]);
        return sb.Length > 0 ? sb.ToString() : null;
    }

    private static int SkipCfws(string text, int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            if (text[i] != '(') break;
            // RFC 5322 §3.2.2 comments nest and may contain quoted-pairs.
            var depth = 0;
            for (; i < text.Length; i++)
            {
                if (text[i] == '\\') { i++; continue; }
                if (text[i] == '(') depth++;
                else if (text[i] == ')' && --depth == 0) { i++; break; }
            }
        }
        return i;
    }
}
