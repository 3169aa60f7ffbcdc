using TicketWorker.Escalation;

namespace TicketWorker.Tests.Escalation;

public class DailyIntervalTests
{
    [TestCase("09:00-12:30", 9.0, 12.5)]
    [TestCase("9:00 - 17:00", 9.0, 17.0)]
    [TestCase("22:00-24:00", 22.0, 24.0)]
    [TestCase("00:00-24:00", 0.0, 24.0)]
    public void ClockRangesAreRead(string text, double startHours, double endHours)
    {
        Assert.That(DailyInterval.TryParse(text, out var interval), Is.True);
        Assert.That(interval, Is.EqualTo(new DailyInterval(TimeSpan.FromHours(startHours), TimeSpan.FromHours(endHours))));
    }

    [TestCase("17:00-09:00")]
    [TestCase("09:00-09:00")]
    [TestCase("9-17")]
    [TestCase("09:00-24:30")]
    [TestCase("09:60-10:00")]
    [TestCase("09:00")]
    [TestCase("")]
    [TestCase(null)]
    public void MalformedOrEmptyRangesAreRejected(string? text) =>
        Assert.That(DailyInterval.TryParse(text, out _), Is.False);

    [Test]
    public void AnIntervalPrintsAsItIsWritten() =>
        Assert.That(new DailyInterval(TimeSpan.FromHours(22), TimeSpan.FromHours(24)).ToString(), Is.EqualTo("22:00-24:00"));
}
