using System.Globalization;
using MimeKit;
using MimeKit.Cryptography;

namespace TicketWorker.Agents.Verification;

/// <summary>
/// The <c>arc</c> method, for mail that reached us through a forwarder (a list, a provider's
/// forwarding) that broke the agent's DKIM signature on the way (RFC 8617). Passes when
/// <list type="number">
/// <item>MimeKit's <see cref="ArcVerifier"/> validates the whole chain (cv=pass, keys from DNS), and</item>
/// <item>the newest ARC set sealed by a trusted forwarder (ARC-Seal <c>d=</c> in
///   <c>TrustedArcSealers</c>) has an ARC-Authentication-Results whose authserv-id is that domain
///   or below it, saying dkim=pass or spf=pass for the agent's domain.</item>
/// </list>
/// Sets from other sealers are ignored: anyone can seal, only whom we trust is believed.
/// </summary>
public sealed class ArcCheck(IDkimPublicKeyLocator locator)
{
    public async Task<CheckResult> CheckAsync(MimeMessage message, string agentDomain, IReadOnlyCollection<string> trustedSealers,
        bool relaxed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(trustedSealers);
        var seals = message.Headers.Where(h => h.Id == HeaderId.ArcSeal).ToList();
        if (seals.Count == 0) return CheckResult.Fail("no ARC chain");

        ArcValidationResult validation;
        try
        {
            validation = await new ArcVerifier(locator).VerifyAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail("ARC chain not validated: " + e.Message.ReplaceLineEndings(" "));
        }
        if (validation.Chain != ArcSignatureValidationResult.Pass)
            return CheckResult.Fail($"ARC chain {validation.Chain.ToString().ToLowerInvariant()}"
                + (validation.ChainErrors != ArcValidationErrors.None ? $" ({validation.ChainErrors})" : ""));

        // Newest trusted set first (highest i=).
        var trusted = seals
            .Select(h => DkimCheck.Tags(h.RawValue))
            .Select(t => (Instance: t.TryGetValue("i", out var i) && int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0,
                Domain: t.TryGetValue("d", out var d) ? DomainAlignment.DomainOf(d) : ""))
            .Where(s => s.Instance > 0 && trustedSealers.Any(t => DomainAlignment.DomainOf(t) == s.Domain))
            .OrderByDescending(s => s.Instance)
            .FirstOrDefault();
        if (trusted.Instance == 0)
            return CheckResult.Fail("ARC chain passes but no set is sealed by a trusted forwarder");

        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.ArcAuthenticationResults))
        {
            if (!AuthenticationResults.TryParse(header.RawValue, out var results) || results.Instance != trusted.Instance)
                continue;
            var id = results.AuthenticationServiceIdentifier?.TrimEnd('.').ToLowerInvariant() ?? "";
            if (id != trusted.Domain && !id.EndsWith("." + trusted.Domain, StringComparison.Ordinal))
                return CheckResult.Fail($"ARC set i={trusted.Instance} of {trusted.Domain} carries results of {id}");
            return AuthenticationResultsCheck.Evaluate(results, agentDomain, relaxed, $"ARC i={trusted.Instance} from {id}");
        }
        return CheckResult.Fail($"ARC set i={trusted.Instance} of {trusted.Domain} has no readable ARC-Authentication-Results");
    }
}
