using System.Text.RegularExpressions;
using DnsClient;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace TicketWorker.Agents.Verification;

/// <summary>
/// DKIM and ARC public keys from DNS TXT records (<c>selector._domainkey.domain</c>, RFC 6376 §3.6.2)
/// through DnsClient, at the configured server or the system resolver. A missing, unreadable or
/// late key throws <see cref="DkimKeyNotFoundException"/>; MimeKit's verifiers pass it up and
/// <see cref="AgentVerifier"/> turns it into "not verified". No cache: agents' mail is rare, and a
/// rotated key takes effect at once.
/// </summary>
public sealed partial class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
{
    private readonly LookupClient client;

    public DnsDkimPublicKeyLocator(AgentVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endPoint = options.DnsEndPoint;
        var lookup = endPoint is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(endPoint));
        lookup.Timeout = options.DnsTimeout / 2;
        lookup.Retries = 1;
        lookup.UseCache = false;
        lookup.UseTcpFallback = true; // RSA 2048+ keys may not fit a plain 512-byte UDP answer
        lookup.ThrowDnsErrors = false;
        lookup.ContinueOnDnsError = false;
        client = new LookupClient(lookup);
    }

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        // RFC 6376 §3.5 q=: "dns/txt" is the only defined method.
        if (methods is not null && !methods.Split(':').Any(m => m.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
            throw new DkimKeyNotFoundException($"no supported key query method in q={methods}");
        if (!DnsLabels().IsMatch(domain ?? "") || !DnsLabels().IsMatch(selector ?? ""))
            throw new DkimKeyNotFoundException("d= or s= is not a domain name");

        var name = $"{selector}._domainkey.{domain}";
        IDnsQueryResponse response;
        try
        {
            response = await client.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            throw new DkimKeyNotFoundException($"DNS lookup of {name} failed ({e.Code})", e);
        }
        if (response.HasError)
            throw new DkimKeyNotFoundException($"DNS lookup of {name}: {response.ErrorMessage}");

        // A record is split into strings of at most 255 bytes; they join without separator (§3.6.2.2).
        var records = response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToList();
        var record = records.FirstOrDefault(t => t.TrimStart().StartsWith("v=DKIM1", StringComparison.Ordinal))
            ?? records.FirstOrDefault(t => t.Contains("p=", StringComparison.Ordinal));
        if (record is null)
            throw new DkimKeyNotFoundException($"no DKIM key record at {name}");
        try
        {
            return GetPublicKey(record);
        }
        catch (Exception e) when (e is ParseException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new DkimKeyNotFoundException($"the key record at {name} is not usable ({e.Message})", e);
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial Regex DnsLabels();
}
