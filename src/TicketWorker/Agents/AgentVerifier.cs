using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Cryptography;
using TicketWorker.Agents.Verification;
using TicketWorker.Storage;

namespace TicketWorker.Agents;

/// <summary>
/// The deployment's agent check (<c>TicketWorker:AgentVerification</c>): verified when ANY of the
/// configured methods passes for the agent's address and domain; the verdict names the one that
/// passed, or what each said. Never throws for bad mail or a failing DNS: that is "not verified".
/// <list type="bullet">
/// <item><c>token</c>: the plus-address reply token issued to this agent for this ticket
///   (<see cref="Threading.ReplyToken.IssueForAgent"/>);</item>
/// <item><c>dkim</c>: <see cref="DkimCheck"/>; <c>authresults</c>: <see cref="AuthenticationResultsCheck"/>;
///   <c>arc</c>: <see cref="ArcCheck"/>, all over the stored raw message.</item>
/// </list>
/// </summary>
public sealed partial class AgentVerifier : IAgentVerifier
{
    private readonly AgentVerificationOptions options;
    private readonly RawMailStore? rawMail;
    private readonly DkimCheck? dkim;
    private readonly ArcCheck? arc;
    private readonly ILogger logger;

    /// <summary>Token only (no raw message store): for tests and for callers without the container.</summary>
    public AgentVerifier() : this(new AgentVerificationOptions(), null, null, TimeProvider.System, NullLogger<AgentVerifier>.Instance)
    {
    }

    public AgentVerifier(AgentVerificationOptions options, RawMailStore? rawMail, IDkimPublicKeyLocator? locator,
        TimeProvider time, ILogger<AgentVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        this.options = options;
        this.rawMail = rawMail;
        this.logger = logger ?? NullLogger<AgentVerifier>.Instance;
        if (locator is not null)
        {
            dkim = new DkimCheck(locator, time);
            arc = new ArcCheck(locator);
        }
    }

    public async Task<AgentVerdict> VerifyAsync(AgentClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var domain = DomainAlignment.DomainOf(claim.Agent.Email);
        var relaxed = options.Alignment == "relaxed";
        var failures = new List<string>();
        MimeMessage? message = null;
        string? unreadable = null;

        try
        {
            foreach (var method in options.EffectiveMethods)
            {
                CheckResult result;
                if (method == "token")
                {
                    result = CheckToken(claim);
                }
                else
                {
                    if (message is null && unreadable is null)
                        (message, unreadable) = await LoadAsync(claim, cancellationToken).ConfigureAwait(false);
                    result = message is null ? CheckResult.Fail(unreadable!) : await CheckMessageAsync(method, message, domain, relaxed, cancellationToken).ConfigureAwait(false);
                }

                Log.Checked(logger, method, claim.Agent.Email, claim.TicketNumber, result.Passed, result.Detail);
                if (result.Passed)
                    return AgentVerdict.Pass(method == "token" ? "token" : $"{method} ({result.Detail})");
                failures.Add($"{method}: {result.Detail}");
            }
        }
        finally
        {
            message?.Dispose();
        }

        var why = string.Join("; ", failures);
        Log.NotVerified(logger, claim.Agent.Email, claim.TicketNumber, why);
        return AgentVerdict.Fail(why);
    }

    private static CheckResult CheckToken(AgentClaim claim)
    {
        foreach (var token in Threading.ReplyToken.InMessage(claim.Message, claim.MailboxAddresses))
            if (claim.Tokens.VerifyForAgent(token, claim.Agent.Email) == claim.TicketNumber)
                return CheckResult.Pass("token");
        return CheckResult.Fail("no reply token issued to this agent for ticket " + claim.TicketNumber);
    }

    private async Task<CheckResult> CheckMessageAsync(string method, MimeMessage message, string domain, bool relaxed, CancellationToken cancellationToken)
    {
        switch (method)
        {
            case "authresults":
                return AuthenticationResultsCheck.Check(message, domain, options.AuthServId ?? "", relaxed);
            case "dkim" when dkim is not null:
                return await dkim.CheckAsync(message, domain, relaxed, cancellationToken).ConfigureAwait(false);
            case "arc" when arc is not null:
                return await arc.CheckAsync(message, domain, options.TrustedArcSealers, relaxed, cancellationToken).ConfigureAwait(false);
            default:
                return CheckResult.Fail("not available here (no DNS key locator)");
        }
    }

    /// <summary>
    /// The stored raw message, parsed by MimeKit (the signatures are over these bytes), when its
    /// one From header is the agent's address; else why not.
    /// </summary>
    private async Task<(MimeMessage? Message, string? Why)> LoadAsync(AgentClaim claim, CancellationToken cancellationToken)
    {
        if (rawMail is null) return (null, "the raw message store is not available");
        MimeMessage message;
        try
        {
            await using var stream = await rawMail.OpenAsync(claim.Raw.Reference, cancellationToken).ConfigureAwait(false);
            message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            return (null, "the stored message cannot be read: " + e.Message.ReplaceLineEndings(" "));
        }

        // A second From header is a classic way to show one address and sign another (RFC 5322 §3.6: exactly one).
        var fromHeaders = message.Headers.Count(h => h.Id == HeaderId.From);
        var from = message.From.Mailboxes.ToList();
        string? why = fromHeaders != 1 ? $"the message has {fromHeaders} From headers"
            : from.Count != 1 || !string.Equals(from[0].Address, claim.Agent.Email.Trim(), StringComparison.OrdinalIgnoreCase)
                ? "the From of the stored message is not the agent's address"
                : null;
        if (why is null) return (message, null);
        message.Dispose();
        return (null, why);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Agent check {Method} for {Agent} on ticket {Ticket}: passed={Passed} ({Detail})")]
        public static partial void Checked(ILogger logger, string method, string agent, long ticket, bool passed, string detail);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Message claiming agent {Agent} on ticket {Ticket} is not verified: {Why}")]
        public static partial void NotVerified(ILogger logger, string agent, long ticket, string why);
    }
}
