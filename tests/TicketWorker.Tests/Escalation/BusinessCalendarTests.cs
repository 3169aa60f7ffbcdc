using TicketWorker.Escalation;

namespace TicketWorker.Tests.Escalation;

public class BusinessCalendarTests
{
    private const string Berlin = "Europe/Berlin";

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static BusinessCalendar Office(params DateOnly[] holidays) =>
        new(BusinessCalendarSpec.Weekdays(Berlin, DailyInterval.From(9, 0, 17, 0)) with { Holidays = holidays });

    private static BusinessCalendar Sundays(DailyInterval hours) =>
        new(new BusinessCalendarSpec(Berlin, new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>> { [DayOfWeek.Sunday] = [hours] }));

    [Test]
    public void OfficeIsOpenFromNineUntilJustBeforeFiveOnWeekdaysOnly()
    {
        var calendar = Office();
        Assert.Multiple(() =>
        {
            Assert.That(calendar.IsOpen(At("2026-03-02T09:00:00+01:00")), Is.True);
            Assert.That(calendar.IsOpen(At("2026-03-02T16:59:59+01:00")), Is.True);
            Assert.That(calendar.IsOpen(At("2026-03-02T17:00:00+01:00")), Is.False);
            Assert.That(calendar.IsOpen(At("2026-03-02T08:59:59+01:00")), Is.False);
            Assert.That(calendar.IsOpen(At("2026-03-07T12:00:00+01:00")), Is.False, "Saturday");
            Assert.That(calendar.IsOpen(At("2026-03-02T08:30:00Z")), Is.True, "09:30 in Berlin, given in UTC");
        });
    }

    [Test]
    public void FourHoursFromFridayAtFourAreOneHourOnFridayAndThreeOnMonday() =>
        Assert.That(Office().AddBusinessTime(At("2026-03-06T16:00+01:00"), TimeSpan.FromHours(4)), Is.EqualTo(At("2026-03-09T12:00+01:00")));

    [Test]
    public void AMondayHolidayMovesTheDueTimeToTuesday() =>
        Assert.That(Office(new DateOnly(2026, 3, 9)).AddBusinessTime(At("2026-03-06T16:00+01:00"), TimeSpan.FromHours(4)), Is.EqualTo(At("2026-03-10T12:00+01:00")));

    [Test]
    public void AHolidayOnAFridayBeforeTheWeekendSkipsToMonday()
    {
        var calendar = Office(new DateOnly(2026, 5, 1));
        var due = calendar.AddBusinessTime(At("2026-04-30T15:00+02:00"), TimeSpan.FromHours(4));
        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(At("2026-05-04T11:00+02:00")));
            Assert.That(calendar.BusinessTimeBetween(At("2026-04-30T15:00+02:00"), due), Is.EqualTo(TimeSpan.FromHours(4)));
            Assert.That(calendar.IsOpen(At("2026-05-01T10:00+02:00")), Is.False);
            Assert.That(calendar.NextOpening(At("2026-04-30T17:30+02:00")), Is.EqualTo(At("2026-05-04T09:00+02:00")));
        });
    }

    [Test]
    public void YearlyHolidaysCloseTheSameDateEveryYear()
    {
        var spec = BusinessCalendarSpec.Weekdays(Berlin, DailyInterval.From(9, 0, 17, 0)) with { YearlyHolidays = [new YearlyDate(12, 25), new YearlyDate(12, 26)] };
        var calendar = new BusinessCalendar(spec);
        Assert.Multiple(() =>
        {
            // 2026-12-25 is a Friday: Thursday 16:00 + 2 h runs into the following Monday.
            Assert.That(calendar.AddBusinessTime(At("2026-12-24T16:00+01:00"), TimeSpan.FromHours(2)), Is.EqualTo(At("2026-12-28T10:00+01:00")));
            Assert.That(calendar.IsHoliday(new DateOnly(2030, 12, 26)), Is.True);
            Assert.That(calendar.IsBusinessDay(new DateOnly(2030, 12, 27)), Is.True);
        });
    }

    [Test]
    public void MailArrivingAtNightIsCountedFromTheMorningOpening() =>
        Assert.That(Office().AddBusinessTime(At("2026-03-03T02:00+01:00"), TimeSpan.FromHours(1)), Is.EqualTo(At("2026-03-03T10:00+01:00")));

    [Test]
    public void MailArrivingOnAWeekendIsCountedFromMonday()
    {
        var calendar = Office();
        Assert.Multiple(() =>
        {
            Assert.That(calendar.AddBusinessTime(At("2026-03-07T14:00+01:00"), TimeSpan.FromMinutes(30)), Is.EqualTo(At("2026-03-09T09:30+01:00")));
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-07T14:00+01:00"), At("2026-03-09T09:30+01:00")), Is.EqualTo(TimeSpan.FromMinutes(30)));
        });
    }

    [Test]
    public void ADurationEndingExactlyAtClosingIsDueAtClosingNotAtTheNextOpening() =>
        Assert.That(Office().AddBusinessTime(At("2026-03-06T13:00+01:00"), TimeSpan.FromHours(4)), Is.EqualTo(At("2026-03-06T17:00+01:00")));

    [Test]
    public void ZeroDurationReturnsTheStartAndANegativeOneIsRejected()
    {
        var calendar = Office();
        Assert.Multiple(() =>
        {
            Assert.That(calendar.AddBusinessTime(At("2026-03-07T14:00+01:00"), TimeSpan.Zero), Is.EqualTo(At("2026-03-07T14:00+01:00")));
            Assert.That(() => calendar.AddBusinessTime(At("2026-03-07T14:00+01:00"), TimeSpan.FromHours(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void ResultsAreStatedInTheCalendarsZone()
    {
        var due = Office().AddBusinessTime(At("2026-03-06T16:30Z"), TimeSpan.FromHours(1));
        Assert.That((due.DateTime, due.Offset), Is.EqualTo((new DateTime(2026, 3, 9, 10, 0, 0), TimeSpan.FromHours(1))));
    }

    [Test]
    public void ALunchBreakSplitsTheDay()
    {
        var split = new[] { DailyInterval.From(9, 0, 12, 0), DailyInterval.From(13, 0, 17, 0) };
        var calendar = new BusinessCalendar(BusinessCalendarSpec.Weekdays(Berlin, split));
        Assert.Multiple(() =>
        {
            Assert.That(calendar.AddBusinessTime(At("2026-03-02T11:00+01:00"), TimeSpan.FromHours(2)), Is.EqualTo(At("2026-03-02T14:00+01:00")));
            Assert.That(calendar.IsOpen(At("2026-03-02T12:30+01:00")), Is.False);
            Assert.That(calendar.NextOpening(At("2026-03-02T12:30+01:00")), Is.EqualTo(At("2026-03-02T13:00+01:00")));
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-02T00:00+01:00"), At("2026-03-03T00:00+01:00")), Is.EqualTo(TimeSpan.FromHours(7)));
        });
    }

    [Test]
    public void NextOpeningOfAnOpenInstantIsThatInstant() =>
        Assert.That(Office().NextOpening(At("2026-03-02T10:15+01:00")), Is.EqualTo(At("2026-03-02T10:15+01:00")));

    [Test]
    public void AnIntervalEndingAtMidnightJoinsTheNextDaysIntervalFromMidnight()
    {
        var week = new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>
        {
            [DayOfWeek.Friday] = [new DailyInterval(TimeSpan.FromHours(22), TimeSpan.FromHours(24))],
            [DayOfWeek.Saturday] = [DailyInterval.From(0, 0, 2, 0)],
        };
        var calendar = new BusinessCalendar(new BusinessCalendarSpec(Berlin, week));
        Assert.Multiple(() =>
        {
            Assert.That(calendar.AddBusinessTime(At("2026-03-06T23:00+01:00"), TimeSpan.FromHours(2)), Is.EqualTo(At("2026-03-07T01:00+01:00")));
            Assert.That(calendar.IsOpen(At("2026-03-07T00:00+01:00")), Is.True);
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-06T00:00+01:00"), At("2026-03-08T00:00+01:00")), Is.EqualTo(TimeSpan.FromHours(4)));
        });
    }

    [Test]
    public void BusinessTimeBetweenIsNegativeWhenTheEndIsEarlier()
    {
        var calendar = Office();
        Assert.Multiple(() =>
        {
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-06T16:00+01:00"), At("2026-03-09T11:00+01:00")), Is.EqualTo(TimeSpan.FromHours(3)));
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-09T11:00+01:00"), At("2026-03-06T16:00+01:00")), Is.EqualTo(TimeSpan.FromHours(-3)));
        });
    }

    [Test]
    public void MultiWeekSpansAddUpAcrossTheSpringClockChange()
    {
        var calendar = Office();
        var start = At("2026-03-02T09:00+01:00");
        // 200 h = 25 eight-hour days = five full weeks; Berlin moves to summer time on Sunday 29 March.
        var due = calendar.AddBusinessTime(start, TimeSpan.FromHours(200));
        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(At("2026-04-03T17:00+02:00")));
            Assert.That(calendar.BusinessTimeBetween(start, due), Is.EqualTo(TimeSpan.FromHours(200)));
        });
    }

    [Test]
    public void AYearOfOfficeHoursIsEightHoursPerWeekday() =>
        // 2026 starts on a Thursday and has 365 days: 52 weeks and one Thursday, so 261 weekdays.
        Assert.That(Office().BusinessTimeBetween(At("2026-01-01T00:00+01:00"), At("2027-01-01T00:00+01:00")), Is.EqualTo(TimeSpan.FromHours(261 * 8)));

    [Test]
    public void TenYearsAreWalkedDayByDayToTheExactHour()
    {
        // 2026 to 2035 have 2,608 weekdays.
        var calendar = Office();
        var start = At("2026-01-01T00:00+01:00");
        Assert.Multiple(() =>
        {
            Assert.That(calendar.BusinessTimeBetween(start, At("2036-01-01T00:00+01:00")), Is.EqualTo(TimeSpan.FromHours(2608 * 8)));
            Assert.That(calendar.AddBusinessTime(start, TimeSpan.FromHours(2608 * 8)), Is.EqualTo(At("2035-12-31T17:00+01:00")));
        });
    }

    [Test]
    public void InAZoneThatSkipsMidnightTheDayStartsWhenTheClockJumps()
    {
        // Santiago de Chile moved from 24:00 Saturday straight to 01:00 Sunday on 6 September 2026,
        // and from 24:00 back to 23:00 Saturday on 4 April 2026.
        var week = new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>> { [DayOfWeek.Saturday] = [DailyInterval.AllDay], [DayOfWeek.Sunday] = [DailyInterval.AllDay] };
        var calendar = new BusinessCalendar(new BusinessCalendarSpec("America/Santiago", week));
        Assert.Multiple(() =>
        {
            Assert.That(calendar.BusinessTimeBetween(At("2026-09-05T00:00-04:00"), At("2026-09-07T00:00-03:00")), Is.EqualTo(TimeSpan.FromHours(47)));
            Assert.That(calendar.BusinessTimeBetween(At("2026-04-04T00:00-03:00"), At("2026-04-05T00:00-04:00")), Is.EqualTo(TimeSpan.FromHours(25)));
            Assert.That(calendar.NextOpening(At("2026-09-07T12:00-03:00")), Is.EqualTo(At("2026-09-12T00:00-03:00")));
            Assert.That(calendar.AddBusinessTime(At("2026-09-05T23:00-04:00"), TimeSpan.FromHours(2)), Is.EqualTo(At("2026-09-06T02:00-03:00")));
        });
    }

    [Test]
    public void OfficeHoursOverTheSpringWeekendKeepTheirLocalTimes() =>
        Assert.That(Office().AddBusinessTime(At("2026-03-27T16:00+01:00"), TimeSpan.FromHours(4)), Is.EqualTo(At("2026-03-30T12:00+02:00")));

    [Test]
    public void OfficeHoursOverTheAutumnWeekendKeepTheirLocalTimes() =>
        Assert.That(Office().AddBusinessTime(At("2026-10-23T16:00+02:00"), TimeSpan.FromHours(4)), Is.EqualTo(At("2026-10-26T12:00+01:00")));

    [Test]
    public void AnIntervalSpanningTheSkippedHourIsAnHourShorter()
    {
        var calendar = Sundays(DailyInterval.From(1, 0, 5, 0));
        Assert.Multiple(() =>
        {
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-28T00:00Z"), At("2026-03-30T00:00Z")), Is.EqualTo(TimeSpan.FromHours(3)));
            // 01:00 CET + 2 h of real time is 04:00 CEST.
            Assert.That(calendar.AddBusinessTime(At("2026-03-29T01:00+01:00"), TimeSpan.FromHours(2)), Is.EqualTo(At("2026-03-29T04:00+02:00")));
            Assert.That(Sundays(DailyInterval.AllDay).BusinessTimeBetween(At("2026-03-29T00:00+01:00"), At("2026-03-30T00:00+02:00")), Is.EqualTo(TimeSpan.FromHours(23)));
        });
    }

    [Test]
    public void AnOpeningAtASkippedTimeStartsWhenTheClockJumps()
    {
        var calendar = Sundays(DailyInterval.From(2, 30, 5, 0));
        Assert.Multiple(() =>
        {
            Assert.That(calendar.NextOpening(At("2026-03-29T00:00+01:00")), Is.EqualTo(At("2026-03-29T03:00+02:00")));
            Assert.That(calendar.IsOpen(At("2026-03-29T01:00Z")), Is.True);
            Assert.That(calendar.IsOpen(At("2026-03-29T00:59:59Z")), Is.False);
            Assert.That(calendar.BusinessTimeBetween(At("2026-03-29T00:00Z"), At("2026-03-30T00:00Z")), Is.EqualTo(TimeSpan.FromHours(2)));
        });
    }

    [Test]
    public void AnIntervalSpanningTheRepeatedHourIsAnHourLonger()
    {
        var calendar = Sundays(DailyInterval.From(1, 0, 5, 0));
        Assert.Multiple(() =>
        {
            Assert.That(calendar.BusinessTimeBetween(At("2026-10-24T00:00Z"), At("2026-10-26T00:00Z")), Is.EqualTo(TimeSpan.FromHours(5)));
            // 01:00 CEST + 3 h of real time is 03:00 CET (the clock showed 02:00-03:00 twice).
            Assert.That(calendar.AddBusinessTime(At("2026-10-25T01:00+02:00"), TimeSpan.FromHours(3)), Is.EqualTo(At("2026-10-25T03:00+01:00")));
            Assert.That(calendar.IsOpen(At("2026-10-25T01:30Z")), Is.True, "02:30 CET, the second time round");
            Assert.That(Sundays(DailyInterval.AllDay).BusinessTimeBetween(At("2026-10-25T00:00+02:00"), At("2026-10-26T00:00+01:00")), Is.EqualTo(TimeSpan.FromHours(25)));
        });
    }

    [Test]
    public void ABoundaryAtARepeatedTimeIsItsFirstOccurrence()
    {
        var calendar = Sundays(DailyInterval.From(1, 0, 2, 30));
        Assert.Multiple(() =>
        {
            Assert.That(calendar.BusinessTimeBetween(At("2026-10-24T00:00Z"), At("2026-10-26T00:00Z")), Is.EqualTo(TimeSpan.FromHours(1.5)));
            Assert.That(calendar.AddBusinessTime(At("2026-10-24T12:00Z"), TimeSpan.FromHours(1.5)), Is.EqualTo(At("2026-10-25T02:30+02:00")));
        });
    }

    [Test]
    public void AnUnknownTimeZoneIsAClearConfigurationError()
    {
        var e = Assert.Throws<BusinessCalendarException>(() => new BusinessCalendar(BusinessCalendarSpec.Weekdays("Europe/Berln", DailyInterval.From(9, 0, 17, 0))));
        Assert.That(e!.Problems, Is.EqualTo(new[] { "unknown time zone 'Europe/Berln' (use an IANA id such as 'Europe/Berlin')" }));
    }

    [Test]
    public void EveryProblemInASpecIsListed()
    {
        var week = new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>
        {
            [DayOfWeek.Monday] = [DailyInterval.From(9, 0, 13, 0), DailyInterval.From(12, 0, 17, 0)],
            [DayOfWeek.Tuesday] = [DailyInterval.From(17, 0, 9, 0)],
        };
        var spec = new BusinessCalendarSpec("", week, YearlyHolidays: [new YearlyDate(2, 30)]);
        Assert.That(BusinessCalendar.Validate(spec), Is.EqualTo(new[]
        {
            "a time zone is required (an IANA id such as 'Europe/Berlin')",
            "Monday: interval 12:00-17:00 overlaps the one before it",
            "Tuesday: interval 17:00-09:00 must lie within 00:00-24:00 and end after it starts",
            "yearly holiday 02-30 is not a valid month and day",
        }));
    }

    [Test]
    public void ACalendarUsedForYearsAnswersAsANewOne()
    {
        // The open spans of each date are kept (up to 4,096 dates, then forgotten): twelve years of
        // daily questions across every clock change must answer as a calendar that never saw a date before.
        var night = new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>
        {
            [DayOfWeek.Monday] = [DailyInterval.From(2, 0, 3, 30), DailyInterval.From(22, 0, 24, 0)],
            [DayOfWeek.Tuesday] = [DailyInterval.From(0, 0, 6, 0)],
            [DayOfWeek.Saturday] = [DailyInterval.From(9, 0, 17, 0)],
        };
        var spec = new BusinessCalendarSpec(Berlin, night, [new DateOnly(2027, 3, 29)]);
        var kept = new BusinessCalendar(spec);
        var start = At("2026-01-01T01:30:00Z");
        for (var day = 0; day < 366 * 12; day++)
        {
            var at = start.AddDays(day).AddMinutes(day % 97 * 17);
            var fresh = new BusinessCalendar(spec);
            Assert.That((kept.AddBusinessTime(at, TimeSpan.FromHours(5)), kept.BusinessTimeBetween(at, at.AddDays(3)), kept.IsOpen(at)),
                Is.EqualTo((fresh.AddBusinessTime(at, TimeSpan.FromHours(5)), fresh.BusinessTimeBetween(at, at.AddDays(3)), fresh.IsOpen(at))), at.ToString("O"));
        }
    }

    [Test]
    public void AWeekWithoutHoursIsRejected() =>
        Assert.That(BusinessCalendar.Validate(new BusinessCalendarSpec(Berlin, new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>())),
            Is.EqualTo(new[] { "the week has no business hours" }));
}
