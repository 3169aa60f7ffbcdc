namespace TicketWorker.Agents;

/// <summary>Whether an <see cref="AgentClaim"/> is believed, and why (for the log and <c>tickets show</c>).</summary>
/// <param name="Verified">True when one of the configured checks passed.</param>
/// <param name="How">The check that passed (token, dkim, authresults, arc) or, when none did, what each said.</param>
public sealed record AgentVerdict(bool Verified, string How)
{
    public static AgentVerdict Pass(string how) => new(true, how);

    public static AgentVerdict Fail(string why) => new(false, why);
}
