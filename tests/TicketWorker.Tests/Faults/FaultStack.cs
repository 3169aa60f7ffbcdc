using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// The fault tests' own mail stack (state /tmp/tw-faults-stack, ports 23000–23007, Sieve on), started
/// once for the Faults namespace and stopped after it. The fault tests stop and restart its Postfix
/// and Dovecot; the shared stack and the shared PostgreSQL are never touched. Each test empties the
/// INBOXes it counts and starts from a fresh database, and calls <see cref="PrivateMailStack.Up"/> in
/// its teardown so a failed test does not leave a daemon stopped for the next.
/// </summary>
[SetUpFixture]
public sealed class FaultStack
{
    /// <summary>/tmp/tw-faults-stack, or TICKETWORKER_FAULTS_DIR (must start with /tmp/tw-faults-) to run two fault runs side by side.</summary>
    public static string StateDirectory { get; } = Environment.GetEnvironmentVariable("TICKETWORKER_FAULTS_DIR") is { } dir && dir.StartsWith("/tmp/tw-faults-", StringComparison.Ordinal) ? dir : "/tmp/tw-faults-stack";

    /// <summary>23000, or TICKETWORKER_FAULTS_PORT (23000–24992): eight ports from there.</summary>
    public static int BasePort { get; } = int.TryParse(Environment.GetEnvironmentVariable("TICKETWORKER_FAULTS_PORT"), out var port) && port is >= 23000 and <= 24992 ? port : 23000;

    private static PrivateMailStack? _stack;

    public static PrivateMailStack Stack => _stack ?? throw new InvalidOperationException("the fault stack is not up");

    [OneTimeSetUp]
    public void Up()
    {
        _stack = new PrivateMailStack(StateDirectory, BasePort, sieve: true);
        // A stack left over by an interrupted run may have other settings: start clean.
        _stack.Down();
        _stack.Up();
    }

    [OneTimeTearDown]
    public void Down() => _stack?.Down();
}
