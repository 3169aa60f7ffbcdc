using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Fleet;

/// <summary>
/// The fleet tests' own mail stack (state /tmp/tw-fleet-stack, ports 26000–26007), started once for the
/// Fleet namespace and stopped after it: workers killed mid-run and hundreds of mails never disturb
/// the shared stack or other tests' private stacks. Its Postfix calls no OpenDKIM milter (port 26099, where
/// nothing listens: mail is accepted unsigned), so the volume never reaches the shared OpenDKIM either.
/// </summary>
[SetUpFixture]
public sealed class FleetStack
{
    public const string StateDirectory = "/tmp/tw-fleet-stack";
    public const int BasePort = 26000;
    public const int NoMilterPort = 26099;

    private static PrivateMailStack? _stack;

    public static PrivateMailStack Stack => _stack ?? throw new InvalidOperationException("the fleet stack is not up");

    [OneTimeSetUp]
    public void Up()
    {
        _stack = new PrivateMailStack(StateDirectory, BasePort, milterPort: NoMilterPort);
        // A stack left over by an interrupted run may have other settings: start clean.
        _stack.Down();
        _stack.Up();
    }

    [OneTimeTearDown]
    public void Down() => _stack?.Down();
}
