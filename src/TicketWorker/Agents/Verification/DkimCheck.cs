using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace TicketWorker.Agents.Verification;

/// <summary>
/// The <c>dkim</c> method: the worker verifies DKIM itself (RFC 6376) over the stored raw message
/// with MimeKit's <see cref="DkimVerifier"/>, keys from DNS. Passes when one signature verifies
/// whose <c>d=</c> is the agent's domain (see <see cref="DomainAlignment"/>), whose <c>h=</c>
/// covers From, and which has not expired (<c>x=</c>). At most <see cref="MaxSignatures"/>
/// signatures are tried, so a message cannot make the worker query DNS without end.
/// </summary>
public sealed class DkimCheck(IDkimPublicKeyLocator locator, TimeProvider time)
{
    public const int MaxSignatures = 5;

    public async Task<CheckResult> CheckAsync(MimeMessage message, string agentDomain, bool relaxed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).Take(MaxSignatures).ToList();
        if (signatures.Count == 0) return CheckResult.Fail("no DKIM-Signature");

        var verifier = new DkimVerifier(locator);
        var said = new List<string>();
        foreach (var header in signatures)
        {
            var tags = Tags(header.RawValue);
            tags.TryGetValue("d", out var d);
            tags.TryGetValue("s", out var s);
            var name = $"d={d} s={s}";
            if (!DomainAlignment.Aligned(d, agentDomain, relaxed)) { said.Add($"{name}: not the agent's domain"); continue; }
            if (!tags.TryGetValue("h", out var h) || !h.Split(':').Any(f => f.Trim().Equals("from", StringComparison.OrdinalIgnoreCase)))
            { said.Add($"{name}: From not signed"); continue; }
            if (tags.TryGetValue("x", out var x) && long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && time.GetUtcNow().ToUnixTimeSeconds() > expires)
            { said.Add($"{name}: expired"); continue; }
            try
            {
                if (await verifier.VerifyAsync(message, header, cancellationToken).ConfigureAwait(false))
                    return CheckResult.Pass(name);
                said.Add($"{name}: signature does not verify");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Key missing, DNS failure or timeout, malformed header, unsupported algorithm.
                said.Add($"{name}: {OneLine(e.Message)}");
            }
        }
        return CheckResult.Fail(string.Join("; ", said));
    }

    /// <summary>The tag=value list of a DKIM-Signature (RFC 6376 §3.2), whitespace removed from values.</summary>
    internal static Dictionary<string, string> Tags(byte[] rawValue)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in Encoding.ASCII.GetString(rawValue).Split(';'))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var key = part[..eq].Trim();
            var value = new string(part[(eq + 1)..].Where(c => !char.IsWhiteSpace(c)).ToArray());
            tags.TryAdd(key, value);
        }
        return tags;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
