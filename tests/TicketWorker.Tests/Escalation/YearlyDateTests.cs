using TicketWorker.Escalation;

namespace TicketWorker.Tests.Escalation;

public class YearlyDateTests
{
    [Test]
    public void MonthAndDayAreRead()
    {
        Assert.That(YearlyDate.TryParse("12-25", out var christmas), Is.True);
        Assert.That(christmas, Is.EqualTo(new YearlyDate(12, 25)));
    }

    [TestCase("02-30")]
    [TestCase("13-01")]
    [TestCase("2026-12-25")]
    [TestCase("xmas")]
    [TestCase(null)]
    public void InvalidMonthDaysAreRejected(string? text) =>
        Assert.That(YearlyDate.TryParse(text, out _), Is.False);

    [Test]
    public void FebruaryTheTwentyNinthMatchesOnlyInLeapYears()
    {
        var leapDay = new YearlyDate(2, 29);
        Assert.Multiple(() =>
        {
            Assert.That(leapDay.IsValid, Is.True);
            Assert.That(leapDay.Matches(new DateOnly(2028, 2, 29)), Is.True);
            Assert.That(leapDay.Matches(new DateOnly(2027, 2, 28)), Is.False);
        });
    }
}
