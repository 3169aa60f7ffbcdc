using TicketWorker.Configuration;
using TicketWorker.Rules;

namespace TicketWorker.Tests.Rules;

public class PolicyLoaderTests
{
    private static SupportPolicy Parse(string yaml) => PolicyLoader.Parse(new StringReader(yaml), "rules.yaml");

    private static ConfigError SingleError(string yaml) =>
        Assert.Throws<ConfigException>(() => Parse(yaml))!.Errors.Single();

    [Test]
    public void TheShippedRulesListTheDemoAgents()
    {
        var policy = PolicyLoader.Load(System.IO.Path.Combine(RepoRoot.Path, "config", "rules.yaml"));
        Assert.That(policy.Agents.Select(a => a.Email), Is.SupersetOf(new[] { "agent1@example.test", "agent2@example.test" }));
        Assert.That(policy.FindAgent("AGENT1@example.test")?.Name, Is.EqualTo("Agent One"));
    }

    [Test]
    public void AnUnknownAgentKeyIsReportedWithAHint()
    {
        var e = SingleError("agents:\n  - email: a@example.test\n    nmae: A\n");
        Assert.That(e.ToString(), Is.EqualTo("rules.yaml:3:5: unknown agent key 'nmae' (did you mean 'name'?)"));
    }

    [Test]
    public void AnUnknownSectionIsReported() =>
        Assert.That(SingleError("agent:\n  - email: a@example.test\n").ToString(), Does.StartWith("rules.yaml:1:1: unknown section 'agent'"));

    [Test]
    public void ADuplicateKeyIsReportedAtItsPosition()
    {
        var e = SingleError("agents:\n  - email: a@example.test\n    email: b@example.test\n");
        Assert.That((e.Line, e.Column), Is.EqualTo((3, 5)));
    }

    [Test]
    public void AnAgentListedTwiceIsAnError() =>
        Assert.That(SingleError("agents:\n  - email: a@example.test\n  - email: A@example.test\n").Message, Does.Contain("listed twice"));

    [Test]
    public void ABadEmailIsAnError() =>
        Assert.That(SingleError("agents:\n  - email: not-an-address\n").ToString(), Is.EqualTo("rules.yaml:2:12: 'not-an-address' is not an email address"));

    [Test]
    public void BrokenYamlSyntaxHasAPosition()
    {
        var e = SingleError("agents:\n  - email: [a@example.test\n");
        Assert.That(e.Line, Is.GreaterThan(0));
    }

    [Test]
    public void AnEmptyFileIsAnEmptyPolicy() => Assert.That(Parse("").Agents, Is.Empty);

    private static string Fixture(string name) => System.IO.Path.Combine(TestContext.CurrentContext.TestDirectory, "Rules", "Fixtures", name);

    [TestCase("broken-unknown-key.yaml", 8, 7, "unknown action 'priorty' (did you mean 'priority'?)")]
    [TestCase("broken-wrong-type.yaml", 7, 13, "team must be a single value, not a list")]
    [TestCase("broken-regex.yaml", 4, 25, "bad regex /(unclosed/")]
    [TestCase("broken-unknown-agent.yaml", 7, 12, "unknown agent 'a2@example.test' (did you mean 'a1@example.test'?)")]
    [TestCase("broken-unknown-team.yaml", 7, 19, "unknown team 'sales' (known: support)")]
    [TestCase("broken-unknown-sla.yaml", 9, 18, "unknown SLA policy 'gold' (known: standard)")]
    [TestCase("broken-duration.yaml", 4, 33, "first_response: '4 hours' is not a duration")]
    [TestCase("broken-time-zone.yaml", 2, 14, "unknown time zone 'Europe/Berlinn'")]
    [TestCase("broken-date.yaml", 3, 21, "holiday '2026-13-01' is not a date")]
    [TestCase("broken-priority.yaml", 4, 17, "priority must be one of low, normal, high, urgent, not 'critical'")]
    [TestCase("broken-duplicate-key.yaml", 7, 5, "duplicate key 'name'")]
    [TestCase("broken-syntax.yaml", 3, 34, "")]
    public void EachBrokenRuleFileIsReportedAtTheRightLineAndColumn(string file, int line, int column, string message)
    {
        var errors = Assert.Throws<ConfigException>(() => PolicyLoader.Load(Fixture(file)))!.Errors;
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((line, column)), errors[0].ToString());
        Assert.That(errors[0].Message, Does.StartWith(message));
        Assert.That(errors[0].File, Does.EndWith(file));
    }

    [Test]
    public void EveryErrorInAFileIsReportedAtOnce()
    {
        var errors = Assert.Throws<ConfigException>(() => PolicyLoader.Load(Fixture("broken-many.yaml")))!.Errors;
        Assert.That(errors.Select(e => (e.Line, e.Column)), Is.EquivalentTo(new[] { (3, 11), (6, 13), (9, 19), (9, 34), (11, 16), (14, 14), (15, 16) }),
            string.Join("\n", errors));
    }

    [Test]
    public void TheShippedRulesDefineEverySection()
    {
        var policy = PolicyLoader.Load(System.IO.Path.Combine(RepoRoot.Path, "config", "rules.yaml"));
        Assert.That(policy.Teams.Select(t => t.Name), Is.EquivalentTo(new[] { "support", "sales" }));
        Assert.That(policy.FindTeam("sales")!.Assign, Is.EqualTo(AssignMode.LeastOpen));
        Assert.That(policy.Vip.Domains, Is.Not.Empty);
        Assert.That(policy.Rules, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(policy.Sla.Find(policy.Sla.Default)!.For("urgent")!.FirstResponse, Is.EqualTo(BusinessDuration.FromTime(TimeSpan.FromHours(1))));
        Assert.That(policy.Sla.Find(policy.Sla.Default)!.For("normal")!.Resolution, Is.EqualTo(BusinessDuration.FromDays(5)), "five opening days, not 120 hours");
        Assert.That(policy.BusinessHours.Default!.TimeZone.Id, Is.EqualTo("Europe/Berlin"));
        Assert.That(policy.Ack.Estimate, Is.EqualTo(new EstimateSettings(80, TimeSpan.FromDays(90), 20)));
        Assert.That(policy.Escalation.Levels, Is.Not.Empty);
    }

    [Test]
    public void AgentsNamingATeamJoinItAfterItsExplicitMembers()
    {
        var policy = Parse("""
            agents:
              - email: c@example.test
                teams: [support]
              - email: a@example.test
              - email: b@example.test
                teams: [support]
            teams:
              support:
                members: [a@example.test, b@example.test]
            """);
        Assert.That(policy.FindTeam("SUPPORT")!.Members, Is.EqualTo(new[] { "a@example.test", "b@example.test", "c@example.test" }));
    }

    [Test]
    public void AwayTakesAFlagOrAnInclusiveDateRange()
    {
        var policy = Parse("""
            agents:
              - email: a@example.test
                away: true
              - email: b@example.test
                away: { from: 2026-08-01, to: 2026-08-14 }
            """);
        Assert.That(policy.FindAgent("a@example.test")!.IsAwayOn(new DateOnly(2026, 1, 1)), Is.True);
        var b = policy.FindAgent("b@example.test")!;
        Assert.That(new[] { new DateOnly(2026, 7, 31), new DateOnly(2026, 8, 1), new DateOnly(2026, 8, 14), new DateOnly(2026, 8, 15) }.Select(b.IsAwayOn),
            Is.EqualTo(new[] { false, true, true, false }));
    }

    [TestCase("30m", 30)]
    [TestCase("4h", 240)]
    [TestCase("2d", 2880)]
    [TestCase("1w", 10080)]
    [TestCase("1h30m", 90)]
    public void DurationsAreReadInAdminUnits(string text, int minutes)
    {
        var policy = Parse($"ack:\n  delay: {text}\n");
        Assert.That(policy.Ack.Delay, Is.EqualTo(TimeSpan.FromMinutes(minutes)));
    }

    [Test]
    public void BusinessHoursKnowWeekHoursHolidaysAndTeamCalendars()
    {
        var policy = Parse("""
            agents:
              - email: a@example.test
                teams: [sales]
            business_hours:
              time_zone: Europe/Berlin
              week: { mon: "09:00-12:00, 13:00-17:00", tue: 09:00-17:00 }
              holidays: [12-25, 2026-03-03]
              teams:
                sales: { week: { mon: 08:00-20:00 } }
            """);
        var calendar = policy.BusinessHours.Default!;
        // 2026-03-02 is a Monday; Berlin is UTC+1 in March.
        Assert.That(calendar.IsOpen(new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.Zero)), Is.True);
        Assert.That(calendar.IsOpen(new DateTimeOffset(2026, 3, 2, 11, 30, 0, TimeSpan.Zero)), Is.False, "lunch break");
        Assert.That(calendar.IsOpen(new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.Zero)), Is.False, "one-off holiday");
        Assert.That(calendar.IsOpen(new DateTimeOffset(2030, 12, 25, 10, 0, 0, TimeSpan.Zero)), Is.False, "yearly holiday");
        Assert.That(calendar.IsOpen(new DateTimeOffset(2026, 3, 4, 10, 0, 0, TimeSpan.Zero)), Is.False, "wednesday is not listed");
        var sales = policy.BusinessHours.For("sales")!;
        Assert.That((sales.TimeZone.Id, sales.IsOpen(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero))), Is.EqualTo(("Europe/Berlin", true)));
    }

    [Test]
    public void EscalationLevelsAreReadInOrder()
    {
        var policy = Parse("""
            agents:
              - email: lead@example.test
                teams: [support]
            escalation:
              levels:
                - { after: 0m, notify: [owner] }
                - { after: 2h, target: resolution, notify: [owner, lead], raise_priority: true, reassign: { team: support } }
              auto_close_pending: 7d
            """);
        var levels = policy.Escalation.Levels;
        Assert.That(levels.Select(l => (l.Level, l.After, l.Target)), Is.EqualTo(new[] { (1, BusinessDuration.Zero, EscalationTarget.Any), (2, BusinessDuration.FromTime(TimeSpan.FromHours(2)), EscalationTarget.Resolution) }));
        Assert.That((levels[1].RaisePriority, levels[1].ReassignTeam, policy.Escalation.AutoClosePending), Is.EqualTo((true, "support", (TimeSpan?)TimeSpan.FromDays(7))));
    }

    [TestCase("5d", 5, 0)]
    [TestCase("1w", 5, 0)]
    [TestCase("2w1d", 11, 0)]
    [TestCase("1d4h", 1, 240)]
    [TestCase("8h", 0, 480)]
    [TestCase("1h30m", 0, 90)]
    [TestCase("0m", 0, 0)]
    public void BusinessSettingsReadDaysAsOpeningDaysAndHoursAsBusinessHours(string text, int days, int minutes)
    {
        var policy = Parse($"sla: {{ default: s, policies: {{ s: {{ normal: {{ first_response: {text}, resolution: {text} }} }} }} }}\nescalation: {{ levels: [ {{ after: {text} }} ] }}\n");
        var expected = new BusinessDuration(days, TimeSpan.FromMinutes(minutes));
        Assert.Multiple(() =>
        {
            Assert.That(policy.Sla.Find("s")!.For("normal"), Is.EqualTo(new SlaTarget(expected, expected)));
            Assert.That(policy.Escalation.Levels[0].After, Is.EqualTo(expected));
        });
    }

    [Test]
    public void CalendarSettingsKeepDaysOfTwentyFourHours()
    {
        var policy = Parse("ack: { delay: 1d, estimate: { window: 2w } }\nescalation: { auto_close_pending: 7d }\n");
        Assert.That((policy.Ack.Delay, policy.Ack.Estimate.Window, policy.Escalation.AutoClosePending),
            Is.EqualTo((TimeSpan.FromDays(1), TimeSpan.FromDays(14), (TimeSpan?)TimeSpan.FromDays(7))));
    }

    [Test]
    public void AnEscalationLevelOneDayAfterAnotherOfEightHoursIsInOrder()
    {
        // Compared as opening days then hours: "1d" is never before "8h", whatever the day's length.
        var policy = Parse("escalation: { levels: [ { after: 8h }, { after: 1d } ] }\n");
        Assert.That(policy.Escalation.Levels.Select(l => l.After), Is.EqualTo(new[] { BusinessDuration.FromTime(TimeSpan.FromHours(8)), BusinessDuration.FromDays(1) }));
    }

    [Test]
    public void ABusinessDurationThatIsNotOneIsReportedWithWhatDMeans()
    {
        Assert.That(SingleError("sla: { default: s, policies: { s: { normal: { resolution: 5 days } } } }\n").ToString(),
            Does.Contain("'5 days' is not a duration").And.Contain("d is an opening day"));
    }

    [Test]
    public void ADuplicateRuleNameIsAnError() =>
        Assert.That(SingleError("rules:\n  - name: a\n    then: { stop: true }\n  - name: A\n    then: { stop: true }\n").ToString(),
            Does.StartWith("rules.yaml:4:11: a rule named 'A' is already defined"));

    [Test]
    public void AFixedTeamNeedsAnOwner() =>
        Assert.That(SingleError("teams:\n  support:\n    assign: fixed\n").ToString(), Does.StartWith("rules.yaml:3:13: team support: assign: fixed needs an owner"));

    [Test]
    public void AnUnknownConditionFieldHasAHint() =>
        Assert.That(SingleError("rules:\n  - name: a\n    when: { subjcet: x }\n    then: { stop: true }\n").ToString(),
            Is.EqualTo("rules.yaml:3:13: unknown condition 'subjcet' (did you mean 'subject'?)"));

    [Test]
    public void NotificationsAreOnUnlessTheFileTurnsThemOff()
    {
        Assert.That(Parse("agents: []\n").Notify, Is.EqualTo(new NotifySettings(true, true)));
        Assert.That(Parse("notify: { new_ticket: false }\n").Notify, Is.EqualTo(new NotifySettings(false, true)));
        Assert.That(Parse("notify:\n  follow_up: false\n").Notify, Is.EqualTo(new NotifySettings(true, false)));
    }

    [Test]
    public void AMistypedNotifyKeyOrValueIsReportedWithItsPosition()
    {
        Assert.That(SingleError("notify:\n  new_tickets: true\n").ToString(), Is.EqualTo("rules.yaml:2:3: unknown notify key 'new_tickets' (did you mean 'new_ticket'?)"));
        Assert.That(SingleError("notify:\n  follow_up: sometimes\n").ToString(), Is.EqualTo("rules.yaml:2:14: follow_up must be true or false, not 'sometimes'"));
    }
}
