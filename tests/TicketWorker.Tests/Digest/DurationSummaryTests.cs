using TicketWorker.Digest;

namespace TicketWorker.Tests.Digest;

public class DurationSummaryTests
{
    private static TimeSpan M(int minutes) => TimeSpan.FromMinutes(minutes);

    [Test]
    public void NoDurationsHaveNoPercentiles() =>
        Assert.That(DurationSummary.Of([]), Is.EqualTo(new DurationSummary(0, null, null)));

    [Test]
    public void OneDurationIsEveryPercentile() =>
        Assert.That(DurationSummary.Of([M(7)]), Is.EqualTo(new DurationSummary(1, M(7), M(7))));

    [Test]
    public void TenDurationsInAnyOrderGiveTheFifthAndNinthByNearestRank() =>
        Assert.That(DurationSummary.Of([M(10), M(1), M(9), M(2), M(8), M(3), M(7), M(4), M(6), M(5)]), Is.EqualTo(new DurationSummary(10, M(5), M(9))));

    [Test]
    public void DurationsReadAsAnAdminWritesThem() =>
        Assert.That(new TimeSpan?[] { null, TimeSpan.FromSeconds(42), M(45), M(200), TimeSpan.FromHours(53) }.Select(DigestMail.Duration),
            Is.EqualTo(new[] { "-", "42s", "45m", "3h 20m", "2d 5h" }));

    [Test]
    public void ADayWhoseMidnightDoesNotExistStartsAtItsFirstLocalMinute()
    {
        // America/Santiago springs forward at local midnight: 2026-09-06 00:00 does not exist; the day starts at 01:00 (UTC-3).
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        Assert.That(DigestReader.StartOf(new DateOnly(2026, 9, 6), zone), Is.EqualTo(new DateTimeOffset(2026, 9, 6, 4, 0, 0, TimeSpan.Zero)));
    }
}
