using TicketWorker.Escalation;
using BusinessDuration = TicketWorker.Rules.BusinessDuration;

namespace TicketWorker.Tests.Escalation;

/// <summary>Adding opening days ("2d", "1d4h") with <see cref="BusinessCalendar.Add"/>.</summary>
public class BusinessCalendarDaysTests
{
    private const string Berlin = "Europe/Berlin";

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static BusinessDuration Days(int n) => BusinessDuration.FromDays(n);

    private static BusinessCalendar Calendar(Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>> week, params DateOnly[] holidays) =>
        new(new BusinessCalendarSpec(Berlin, week, holidays));

    private static BusinessCalendar Office(params DateOnly[] holidays) =>
        new(BusinessCalendarSpec.Weekdays(Berlin, DailyInterval.From(9, 0, 17, 0)) with { Holidays = holidays });

    // The shipped demo's week: Monday to Thursday 09:00-17:00, Friday 09:00-15:00.
    private static BusinessCalendar ShortFriday() => Calendar(new()
    {
        [DayOfWeek.Monday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Tuesday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Wednesday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Thursday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Friday] = [DailyInterval.From(9, 0, 15, 0)],
    });

    // Nights from 22:00 to 06:00, the first starting on Monday evening, the last ending on Saturday morning.
    private static BusinessCalendar Nights()
    {
        var week = new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>();
        foreach (var day in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
        {
            week[day] = [DailyInterval.From(22, 0, 24, 0)];
        }

        foreach (var day in new[] { DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
        {
            week[day] = [DailyInterval.From(0, 0, 6, 0), DailyInterval.From(22, 0, 24, 0)];
        }

        week[DayOfWeek.Saturday] = [DailyInterval.From(0, 0, 6, 0)];
        return Calendar(week);
    }

    [Test]
    public void TwoDaysFromTuesdayAfternoonIsThursdayAtTheSameTime() =>
        Assert.That(Office().Add(At("2026-03-03T15:00+01:00"), Days(2)), Is.EqualTo(At("2026-03-05T15:00+01:00")));

    [Test]
    public void OneDayFromFridayAfternoonIsMondayAfternoon() =>
        Assert.That(Office().Add(At("2026-03-06T16:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-09T16:00+01:00")));

    [Test]
    public void HolidaysAreSkipped() =>
        Assert.That(Office(new DateOnly(2026, 3, 9)).Add(At("2026-03-06T16:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-10T16:00+01:00")));

    [Test]
    public void FiveDaysAreAWeekOfOpeningDaysWhateverTheirLength()
    {
        // 38 business hours on this week, not 5 × 24 h or 5 × 8 h.
        var calendar = ShortFriday();
        var due = calendar.Add(At("2026-03-03T10:00+01:00"), Days(5));
        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(At("2026-03-10T10:00+01:00")));
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-03T10:00+01:00"), due), Is.EqualTo(TimeSpan.FromHours(38)));
        });
    }

    [Test]
    public void ADayEndingOnAShorterDayEndsAtItsClosingTime() =>
        Assert.That(ShortFriday().Add(At("2026-03-05T16:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-06T15:00+01:00")));

    [Test]
    public void ADayEndingBeforeALaterOpeningEndsAtThatOpening()
    {
        var calendar = Calendar(new()
        {
            [DayOfWeek.Monday] = [DailyInterval.From(7, 0, 15, 0)],
            [DayOfWeek.Tuesday] = [DailyInterval.From(12, 0, 20, 0)],
        });
        Assert.That(calendar.Add(At("2026-03-02T08:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-03T12:00+01:00")));
    }

    [TestCase("2026-03-07T10:00+01:00", "2026-03-09T17:00+01:00", TestName = "From Saturday one day is Monday's closing")]
    [TestCase("2026-03-03T20:00+01:00", "2026-03-04T17:00+01:00", TestName = "From Tuesday evening one day is Wednesday's closing")]
    [TestCase("2026-03-03T17:00+01:00", "2026-03-04T17:00+01:00", TestName = "From Tuesday's closing one day is Wednesday's closing")]
    [TestCase("2026-03-03T07:00+01:00", "2026-03-03T17:00+01:00", TestName = "From Tuesday early morning one day is Tuesday's closing")]
    public void OutsideHoursTheNextOpeningDayCountsWhole(string start, string due) =>
        Assert.That(Office().Add(At(start), Days(1)), Is.EqualTo(At(due)));

    [Test]
    public void InALunchBreakTheDayCountsFromTheAfternoonOpening()
    {
        var calendar = new BusinessCalendar(BusinessCalendarSpec.Weekdays(Berlin, DailyInterval.From(9, 0, 12, 0), DailyInterval.From(13, 0, 17, 0)));
        Assert.That(calendar.Add(At("2026-03-02T12:30+01:00"), Days(1)), Is.EqualTo(At("2026-03-03T13:00+01:00")));
    }

    [Test]
    public void DaysAreAddedBeforeHours() =>
        // Friday 16:00 + 1d = Monday 16:00; + 4h = one hour on Monday and three on Tuesday.
        Assert.That(Office().Add(At("2026-03-06T16:00+01:00"), new BusinessDuration(1, TimeSpan.FromHours(4))), Is.EqualTo(At("2026-03-10T12:00+01:00")));

    [Test]
    public void HoursAloneAreBusinessHoursAsBefore() =>
        Assert.That(Office().Add(At("2026-03-06T16:00+01:00"), BusinessDuration.FromTime(TimeSpan.FromHours(8))), Is.EqualTo(At("2026-03-09T16:00+01:00")));

    [Test]
    public void ZeroIsTheStart() =>
        Assert.That(Office().Add(At("2026-03-07T14:00+01:00"), BusinessDuration.Zero), Is.EqualTo(At("2026-03-07T14:00+01:00")));

    [Test]
    public void ADayAcrossTheSpringClockChangeKeepsTheLocalTime() =>
        // Europe/Berlin moves to summer time on Sunday 29 March 2026.
        Assert.That(Office().Add(At("2026-03-27T10:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-30T10:00+02:00")));

    [Test]
    public void OnACalendarOpenAroundTheClockADayIsTheSameTimeTomorrow()
    {
        var always = Calendar(Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => (IReadOnlyList<DailyInterval>)[DailyInterval.AllDay]));
        Assert.That(always.Add(At("2026-03-07T10:00+01:00"), Days(2)), Is.EqualTo(At("2026-03-09T10:00+01:00")));
    }

    [Test]
    public void ANightShiftIsOneOpeningDayOwnedByTheEveningItStarts()
    {
        var nights = Nights();
        Assert.Multiple(() =>
        {
            // Friday night's shift runs into Saturday morning; the next shift is Monday night.
            Assert.That(nights.Add(At("2026-03-06T23:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-09T23:00+01:00")));
            Assert.That(nights.Add(At("2026-03-07T02:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-10T02:00+01:00")));
            // Outside the shift, the next night counts whole: it ends on Wednesday 06:00.
            Assert.That(nights.Add(At("2026-03-03T10:00+01:00"), Days(1)), Is.EqualTo(At("2026-03-04T06:00+01:00")));
            Assert.That(nights.IsBusinessDay(new DateOnly(2026, 3, 7)), Is.False, "Saturday only ends Friday's night");
        });
    }

    [Test]
    public void NegativeDaysAreRejected() =>
        Assert.That(() => Office().Add(At("2026-03-02T10:00+01:00"), Days(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
}
