namespace TicketWorker.Agents.Verification;

/// <summary>What one verification method said: passed or not, and a short reason for the log and <c>tickets show</c>.</summary>
public sealed record CheckResult(bool Passed, string Detail)
{
    public static CheckResult Pass(string detail) => new(true, detail);

    public static CheckResult Fail(string detail) => new(false, detail);
}
