using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// The fault tests' own mail stack (state /tmp/tw-faults-stack, ports 33000–33007, Sieve on), started
/// once for the Faults namespace and stopped after it. The fault tests stop and restart its Postfix
/// and Dovecot; the shared stack and the shared PostgreSQL are never touched. Each test empties the
/// INBOXes it counts and starts from a fresh database, and calls <see cref="PrivateMailStack.Up"/> in
/// its teardown so a failed test does not leave a daemon stopped for the next.
/// </summary>
[SetUpFixture]
public sealed class FaultStack
{
    public const string StateDirectory = "/tmp/tw-faults-stack";
    public const int BasePort = 33000;

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
