using TicketWorker.Escalation;
using BusinessDuration = TicketWorker.Rules.BusinessDuration;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Escalation;

public class ResolutionEstimatorTests
{
    // Friday 6 March 2026, 16:00 in Berlin: one business hour left this week.
    private static readonly DateTimeOffset FridayAtFour = At("2026-03-06T16:00+01:00");

    // A Monday well inside the 90-day window, when the synthetic tickets were opened.
    private static readonly DateTimeOffset EarlierMonday = At("2026-02-02T09:00+01:00");

    private static readonly BusinessCalendar Office = Calendar();

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static BusinessCalendar Calendar(params DateOnly[] holidays) =>
        new(BusinessCalendarSpec.Weekdays("Europe/Berlin", DailyInterval.From(9, 0, 17, 0)) with { Holidays = holidays });

    // The shipped demo's week: Monday to Thursday 09:00-17:00, Friday 09:00-15:00.
    private static readonly BusinessCalendar ShortFriday = new(new BusinessCalendarSpec("Europe/Berlin", new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>
    {
        [DayOfWeek.Monday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Tuesday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Wednesday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Thursday] = [DailyInterval.From(9, 0, 17, 0)],
        [DayOfWeek.Friday] = [DailyInterval.From(9, 0, 15, 0)],
    }));

    private static ResolutionEstimator Estimator(DateTimeOffset now) => new(new FakeTime(now));

    private static EstimateRequest Request(string priority = "normal", string? team = null, TimeSpan? sla = null, EstimateSettings? settings = null, BusinessCalendar? calendar = null, BusinessDuration? target = null) =>
        new(priority, team, calendar ?? Office, target ?? (sla is { } hours ? BusinessDuration.FromTime(hours) : null), settings);

    // Tickets opened on a Monday at 09:00 and closed after the given business time (all within that day).
    private static IEnumerable<ClosedTicketSample> Tickets(IEnumerable<TimeSpan> businessTimes, string priority = "normal", string? team = "support", DateTimeOffset? opened = null)
    {
        var created = opened ?? EarlierMonday;
        return businessTimes.Select((t, i) => new ClosedTicketSample(i + 1, team, priority, created, Office.AddBusinessTime(created, t)));
    }

    private static IEnumerable<ClosedTicketSample> Tickets(int count, TimeSpan each, string priority = "normal", string? team = "support", DateTimeOffset? opened = null) =>
        Tickets(Enumerable.Repeat(each, count), priority, team, opened);

    private static IEnumerable<TimeSpan> Hours(params double[] hours) => hours.Select(TimeSpan.FromHours);

    [Test]
    public void TheEstimateFollowsTheEightiethPercentileOfHistory()
    {
        // 30 tickets resolved in 2 to 5:52 business hours (8-minute steps), in scrambled order.
        var times = Enumerable.Range(0, 30).Select(i => TimeSpan.FromHours(2) + TimeSpan.FromMinutes(8 * (i * 7 % 30)));
        var estimate = Estimator(FridayAtFour).Estimate(Tickets(times), Request())!;
        Assert.Multiple(() =>
        {
            // Rank ceil(0.8 × 30) = 24: 2 h + 23 × 8 min = 5:04, rounded up to 6 h; one hour on Friday, five on Monday.
            Assert.That(estimate.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(6)));
            Assert.That(estimate.Due, Is.EqualTo(At("2026-03-09T14:00+01:00")));
            Assert.That(estimate.Source, Is.EqualTo(EstimateSource.History));
            Assert.That(estimate.SourceName, Is.EqualTo("history"));
            Assert.That(estimate.SampleCount, Is.EqualTo(30));
        });
    }

    [Test]
    public void AFourHourEstimateOnFridayAtFourIsDueMondayAtNoon() =>
        Assert.That(Estimator(FridayAtFour).Estimate(Tickets(20, TimeSpan.FromHours(4)), Request())!.Due, Is.EqualTo(At("2026-03-09T12:00+01:00")));

    [Test]
    public void AThreeHourEstimateOnFridayAtFourIsDueMondayAtEleven() =>
        Assert.That(Estimator(FridayAtFour).Estimate(Tickets(20, TimeSpan.FromHours(3)), Request())!.Due, Is.EqualTo(At("2026-03-09T11:00+01:00")));

    [Test]
    public void AHolidayMondayPushesTheDueTimeToTuesday()
    {
        var estimate = Estimator(FridayAtFour).Estimate(Tickets(20, TimeSpan.FromHours(4)), Request(calendar: Calendar(new DateOnly(2026, 3, 9))))!;
        Assert.That(estimate.Due, Is.EqualTo(At("2026-03-10T12:00+01:00")));
    }

    [Test]
    public void HistoryIsMeasuredInBusinessTimeNotElapsedTime()
    {
        // Opened Friday 16:00, closed Monday 10:00: 66 hours elapsed, 2 business hours.
        var history = Enumerable.Range(1, 20).Select(i => new ClosedTicketSample(i, "support", "normal", At("2026-02-06T16:00+01:00"), At("2026-02-09T10:00+01:00")));
        var estimate = Estimator(FridayAtFour).Estimate(history, Request())!;
        Assert.That(estimate.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(2)));
    }

    [Test]
    public void EachPastTicketIsMeasuredOnItsOwnTeamsCalendarWhenGiven()
    {
        // The night team works around the clock: Friday 16:00 to Saturday 16:00 is 24 of its business hours, 1 of the office's.
        var allWeek = new BusinessCalendar(new BusinessCalendarSpec("Europe/Berlin", Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => (IReadOnlyList<DailyInterval>)[DailyInterval.AllDay])));
        var history = Enumerable.Range(1, 20).Select(i => new ClosedTicketSample(i, "night", "normal", At("2026-02-06T16:00+01:00"), At("2026-02-07T16:00+01:00"))).ToList();
        var estimator = Estimator(FridayAtFour);
        Assert.Multiple(() =>
        {
            Assert.That(estimator.Estimate(history, Request(team: "day"))!.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(1)));
            var perTeam = Request(team: "day") with { CalendarOfTeam = team => team == "night" ? allWeek : Office };
            Assert.That(estimator.Estimate(history, perTeam)!.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(24)));
        });
    }

    [Test]
    public void FewerThanMinSamplesFallBackToTheSlaTarget()
    {
        var estimate = Estimator(FridayAtFour).Estimate(Tickets(19, TimeSpan.FromHours(1)), Request(sla: TimeSpan.FromHours(8)))!;
        Assert.Multiple(() =>
        {
            Assert.That(estimate.Source, Is.EqualTo(EstimateSource.Sla));
            Assert.That(estimate.SourceName, Is.EqualTo("sla"));
            Assert.That(estimate.SampleCount, Is.EqualTo(19));
            Assert.That(estimate.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(8)));
            Assert.That(estimate.Due, Is.EqualTo(At("2026-03-09T16:00+01:00")));
        });
    }

    [Test]
    public void TheSlaTargetIsRoundedUpToTheHourToo() =>
        Assert.That(Estimator(FridayAtFour).Estimate([], Request(sla: TimeSpan.FromMinutes(90)))!.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(2)));

    [Test]
    public void WithoutHistoryOrSlaTargetThereIsNoEstimate() =>
        Assert.That(Estimator(FridayAtFour).Estimate(Tickets(5, TimeSpan.FromHours(1)), Request()), Is.Null);

    [Test]
    public void TheTeamsOwnHistoryIsUsedWhenItAloneHasEnoughSamples()
    {
        var history = Tickets(20, TimeSpan.FromHours(1), team: "billing").Concat(Tickets(40, TimeSpan.FromHours(7), team: "tech")).ToList();
        var estimator = Estimator(FridayAtFour);
        Assert.Multiple(() =>
        {
            var billing = estimator.Estimate(history, Request(team: "billing"))!;
            Assert.That((billing.BusinessDuration, billing.SampleCount), Is.EqualTo((TimeSpan.FromHours(1), 20)));
            var anyTeam = estimator.Estimate(history, Request(team: null))!;
            Assert.That((anyTeam.BusinessDuration, anyTeam.SampleCount), Is.EqualTo((TimeSpan.FromHours(7), 60)));
        });
    }

    [Test]
    public void ATeamWithTooFewSamplesUsesAllTeamsHistory()
    {
        // Sales has 10 one-hour tickets; with the 20 six-hour ones of support, p80 of 30 is the 24th: 6 h.
        var history = Tickets(10, TimeSpan.FromHours(1), team: "sales").Concat(Tickets(20, TimeSpan.FromHours(6), team: "support"));
        var estimate = Estimator(FridayAtFour).Estimate(history, Request(team: "sales", sla: TimeSpan.FromHours(40)))!;
        Assert.Multiple(() =>
        {
            Assert.That(estimate.Source, Is.EqualTo(EstimateSource.History));
            Assert.That((estimate.BusinessDuration, estimate.SampleCount), Is.EqualTo((TimeSpan.FromHours(6), 30)));
        });
    }

    [Test]
    public void TicketsClosedOutsideTheWindowAreIgnored()
    {
        var recent = Tickets(20, TimeSpan.FromHours(1));
        // Opened and closed on 24 November 2025, 102 days before now.
        var old = Tickets(40, TimeSpan.FromHours(7), opened: At("2025-11-24T09:00+01:00"));
        var estimate = Estimator(FridayAtFour).Estimate(recent.Concat(old), Request())!;
        Assert.That((estimate.BusinessDuration, estimate.SampleCount), Is.EqualTo((TimeSpan.FromHours(1), 20)));
    }

    [Test]
    public void AShorterWindowLeavesTooFewSamplesAndFallsBack()
    {
        var settings = EstimateSettings.Default with { Window = TimeSpan.FromDays(30) };
        var estimate = Estimator(FridayAtFour).Estimate(Tickets(20, TimeSpan.FromHours(1)), Request(sla: TimeSpan.FromHours(3), settings: settings))!;
        Assert.That((estimate.Source, estimate.SampleCount), Is.EqualTo((EstimateSource.Sla, 0)));
    }

    [Test]
    public void OtherPrioritiesAreIgnoredAndPriorityNamesIgnoreCase()
    {
        var history = Tickets(20, TimeSpan.FromHours(1), priority: "high").Concat(Tickets(40, TimeSpan.FromHours(7), priority: "normal"));
        var estimate = Estimator(FridayAtFour).Estimate(history, Request(priority: "HIGH"))!;
        Assert.That((estimate.BusinessDuration, estimate.SampleCount), Is.EqualTo((TimeSpan.FromHours(1), 20)));
    }

    [Test]
    public void TheEstimateIsRoundedUpToAWholeHourAndIsNeverZero()
    {
        var estimator = Estimator(FridayAtFour);
        Assert.Multiple(() =>
        {
            Assert.That(estimator.Estimate(Tickets(20, new TimeSpan(2, 1, 0)), Request())!.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(3)));
            Assert.That(estimator.Estimate(Tickets(20, TimeSpan.FromMinutes(10)), Request())!.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(1)));
        });
    }

    [TestCase(80, 8)]
    [TestCase(50, 5)]
    [TestCase(81, 9)]
    [TestCase(100, 10)]
    [TestCase(1, 1)]
    public void NearestRankPercentileOfOneToTenHoursIsExact(int percentile, int expectedHours) =>
        Assert.That(ResolutionEstimator.NearestRankPercentile(Hours(7, 3, 10, 1, 8, 5, 2, 9, 4, 6), percentile), Is.EqualTo(TimeSpan.FromHours(expectedHours)));

    [Test]
    public void TheEightiethPercentileOfOneToTenHoursOfHistoryIsEightHours()
    {
        var settings = EstimateSettings.Default with { MinSamples = 10 };
        var estimate = Estimator(FridayAtFour).Estimate(Tickets(Hours(1, 2, 3, 4, 5, 6, 7, 8, 9, 10).Select(h => h * 0.7)), Request(settings: settings))!;
        // 0.7 h to 7 h; the 8th is 5.6 h, rounded up to 6 h.
        Assert.That(estimate.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(6)));
        Assert.That(ResolutionEstimator.NearestRankPercentile(Hours(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 80), Is.EqualTo(TimeSpan.FromHours(8)));
    }

    [Test]
    public void ADueTimeWithinTheWeekIsStatedAsWeekdayAndTimeInTheCalendarsZone()
    {
        var estimate = Estimator(At("2026-03-02T10:00+01:00")).Estimate([], Request(sla: TimeSpan.FromHours(24)))!;
        var phrase = estimate.Phrase;
        Assert.Multiple(() =>
        {
            Assert.That(phrase.Kind, Is.EqualTo(EstimatePhraseKind.DateTime));
            Assert.That((phrase.Weekday, phrase.Time), Is.EqualTo((DayOfWeek.Thursday, new TimeOnly(10, 0))));
            Assert.That(phrase.TimeZoneId, Is.EqualTo("Europe/Berlin"));
            Assert.That(phrase.LocalDue.Offset, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(phrase.BusinessDays, Is.EqualTo(3));
        });
    }

    [Test]
    public void ADueTimeAWeekAwayIsStatedInBusinessDaysBecauseTheWeekdayWouldBeAmbiguous()
    {
        // Friday 16:00 + 40 h: one hour on Friday, four full days, seven hours on the next Friday.
        var phrase = Estimator(FridayAtFour).Estimate([], Request(sla: TimeSpan.FromHours(40)))!.Phrase;
        Assert.That((phrase.Kind, phrase.BusinessDays, phrase.LocalDue), Is.EqualTo((EstimatePhraseKind.BusinessDays, 5, At("2026-03-13T16:00+01:00"))));
    }

    [Test]
    public void ADueTimeBeyondTheHorizonIsStatedInBusinessDays()
    {
        var phrase = Estimator(At("2026-03-02T10:00+01:00")).Estimate([], Request(sla: TimeSpan.FromHours(80)))!.Phrase;
        Assert.That((phrase.Kind, phrase.BusinessDays), Is.EqualTo((EstimatePhraseKind.BusinessDays, 10)));
    }

    [Test]
    public void ADueTimeTodayIsZeroBusinessDaysAway()
    {
        var phrase = Estimator(At("2026-03-02T10:00+01:00")).Estimate([], Request(sla: TimeSpan.FromHours(2)))!.Phrase;
        Assert.That((phrase.Kind, phrase.BusinessDays, phrase.Time), Is.EqualTo((EstimatePhraseKind.DateTime, 0, new TimeOnly(12, 0))));
    }

    [Test]
    public void AnSlaTargetOfFiveDaysIsPromisedAsFiveBusinessDaysNotOneHundredTwentyHours()
    {
        // Tuesday 10:00 + 5d on a week of 8-hour days and a 6-hour Friday: the next Tuesday 10:00.
        var estimate = Estimator(At("2026-03-03T10:00+01:00")).Estimate([], Request(calendar: ShortFriday, target: BusinessDuration.FromDays(5)))!;
        Assert.Multiple(() =>
        {
            Assert.That(estimate.Due, Is.EqualTo(At("2026-03-10T10:00+01:00")));
            Assert.That((estimate.Phrase.Kind, estimate.Phrase.BusinessDays), Is.EqualTo((EstimatePhraseKind.BusinessDays, 5)));
            Assert.That(estimate.BusinessDuration, Is.EqualTo(TimeSpan.FromHours(38)), "four 8-hour days and a 6-hour Friday");
        });
    }

    [Test]
    public void AnSlaTargetInDaysAndHoursKeepsItsDaysAndRoundsItsHoursUp()
    {
        // Friday 16:00 + 1d → Monday 16:00, + 1h30m rounded to 2h → Tuesday 10:00.
        var estimate = Estimator(FridayAtFour).Estimate([], Request(target: new BusinessDuration(1, TimeSpan.FromMinutes(90))))!;
        Assert.That(estimate.Due, Is.EqualTo(At("2026-03-10T10:00+01:00")));
    }

    [Test]
    public void LearnedHoursReachingPastAShortFridayAreStatedInTheOpeningDaysTheyReach()
    {
        // Twenty tickets of 16 business hours from Thursday 10:00: 7 h Thursday, 6 h Friday, 3 h Monday → Monday 12:00.
        var thursday = At("2026-03-05T10:00+01:00");
        var history = Enumerable.Range(1, 20).Select(i => new ClosedTicketSample(i, "support", "normal", EarlierMonday, Office.AddBusinessTime(EarlierMonday, TimeSpan.FromHours(16))));
        var estimate = Estimator(thursday).Estimate(history, Request(calendar: ShortFriday))!;
        Assert.That((estimate.Due, estimate.Phrase.BusinessDays), Is.EqualTo((At("2026-03-09T12:00+01:00"), 2)));
    }

    [Test]
    public void InvalidSettingsAreRejectedWithEveryProblem()
    {
        var settings = new EstimateSettings { Percentile = 0, MinSamples = 0 };
        var e = Assert.Throws<ArgumentException>(() => Estimator(FridayAtFour).Estimate([], Request(settings: settings)));
        Assert.That(e!.Message, Does.Contain("percentile must be between 1 and 100").And.Contain("min_samples must be at least 1"));
    }
}
