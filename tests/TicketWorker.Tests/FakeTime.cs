namespace TicketWorker.Tests;

/// <summary>
/// A clock tests set and move by hand. Not FakeTimeProvider (Microsoft.Extensions.TimeProvider.Testing)
/// on purpose: tests set it back to earlier days (AcknowledgementPolicyTests), which FakeTimeProvider
/// refuses, and the intake and outbox services wait with <c>Task.Delay(…, time)</c>, which must pass
/// in real time here, while FakeTimeProvider's timers only fire when the test advances the clock.
/// </summary>
public sealed class FakeTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public FakeTime() : this(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset at) => _now = at;
}
