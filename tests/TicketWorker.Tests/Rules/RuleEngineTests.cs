using TicketWorker.Rules;

namespace TicketWorker.Tests.Rules;

public class RuleEngineTests
{
    private const string Agents = """
        agents:
          - email: a1@example.test
            teams: [support]
          - email: a2@example.test
            teams: [support]
          - email: s1@example.test
            teams: [sales]
        """;

    private static SupportPolicy Policy(string yaml) => PolicyLoader.Parse(new StringReader(Agents + "\n" + yaml), "rules.yaml");

    /// <summary>A policy with one rule: <paramref name="when"/> (YAML flow mapping) tags the ticket "hit".</summary>
    private static RuleOutcome EvaluateOne(string when, RuleInput input) =>
        new RuleEngine(Policy($"rules:\n  - name: r\n    when: {when}\n    then: {{ tags: [hit] }}\n")).Evaluate(input);

    private static bool Matches(string when, RuleInput input) => EvaluateOne(when, input).Matches.Count == 1;

    private static RuleInput Mail(string subject = "Hello", string from = "ann@example.org") => new()
    {
        From = from,
        To = ["support@example.test"],
        Cc = ["boss@example.org"],
        Subject = subject,
        Body = "Please send me the invoice for order 1234.",
        Headers = [new("X-Priority", "1 (Highest)"), new("X-Mailer", "Thunderbird"), new("X-Mailer", "Second")],
        HasAttachment = true,
        Language = "fa",
        InBusinessHours = false,
        Kind = "customer",
    };

    [TestCase("{ from: ann@example.org }", true)]
    [TestCase("{ from: { equals: ANN@EXAMPLE.ORG } }", true)]
    [TestCase("{ from: { equals: bob@example.org } }", false)]
    [TestCase("{ from_domain: example.org }", true)]
    [TestCase("{ from_domain: { in: [a.example, example.org] } }", true)]
    [TestCase("{ from_domain: { in: [a.example, b.example] } }", false)]
    [TestCase("{ to: { contains: support@ } }", true)]
    [TestCase("{ to: { contains: sales@ } }", false)]
    [TestCase("{ cc: boss@example.org }", true)]
    [TestCase("{ cc: { regex: '^ann@' } }", false)]
    [TestCase("{ subject: { contains: HELLO } }", true)]
    [TestCase("{ subject: { contains: HELLO, case_sensitive: true } }", false)]
    [TestCase("{ subject: { regex: '^hel+o$' } }", true)]
    [TestCase("{ body: { contains: invoice } }", true)]
    [TestCase("{ body: { regex: 'order \\d{5}' } }", false)]
    [TestCase("{ header: { name: x-priority, regex: '^1' } }", true)]
    [TestCase("{ header: { name: X-Mailer, equals: second } }", true)]
    [TestCase("{ header: { name: X-Missing, contains: a } }", false)]
    [TestCase("{ has_attachment: true }", true)]
    [TestCase("{ has_attachment: { equals: false } }", false)]
    [TestCase("{ language: fa }", true)]
    [TestCase("{ language: { in: [en, de] } }", false)]
    [TestCase("{ business_hours: false }", true)]
    [TestCase("{ business_hours: true }", false)]
    [TestCase("{ kind: customer }", true)]
    [TestCase("{ kind: { in: [list] } }", false)]
    public void EachConditionFieldAndOperatorMatchesAsDocumented(string when, bool expected) =>
        Assert.That(Matches(when, Mail()), Is.EqualTo(expected));

    [TestCase("{ all: [ { from_domain: example.org }, { has_attachment: true } ] }", true)]
    [TestCase("{ all: [ { from_domain: example.org }, { has_attachment: false } ] }", false)]
    [TestCase("{ any: [ { from_domain: other.org }, { language: fa } ] }", true)]
    [TestCase("{ any: [ { from_domain: other.org }, { language: en } ] }", false)]
    [TestCase("{ not: { kind: list } }", true)]
    [TestCase("{ not: { kind: customer } }", false)]
    [TestCase("{ from_domain: example.org, language: en }", false)]
    [TestCase("{ not: { any: [ { kind: list }, { all: [ { language: fa }, { business_hours: true } ] } ] } }", true)]
    public void CombinatorsCombineAsDocumented(string when, bool expected) =>
        Assert.That(Matches(when, Mail()), Is.EqualTo(expected));

    [Test]
    public void TheReasonSaysWhyARuleMatched()
    {
        var outcome = EvaluateOne("{ all: [ { from_domain: example.org }, { not: { kind: list } } ] }", Mail());
        Assert.That(outcome.Matches.Single().Reason, Is.EqualTo("from_domain is \"example.org\" and not (kind is \"list\")"));
    }

    [Test]
    public void AnUrgentKeywordRuleMatchesPersianAndRussianSubjects()
    {
        var engine = new RuleEngine(Policy("""
            rules:
              - name: urgent
                when:
                  any:
                    - subject: { contains: срочно }
                    - subject: { contains: فوری }
                then: { priority: urgent }
            """));
        Assert.That(engine.Evaluate(Mail("СРОЧНО: не работает принтер")).Priority, Is.EqualTo("urgent"));
        Assert.That(engine.Evaluate(Mail("درخواست فوری: چاپگر کار نمی‌کند")).Priority, Is.EqualTo("urgent"));
        Assert.That(engine.Evaluate(Mail("Printer question")).Priority, Is.EqualTo("normal"));
    }

    [Test, CancelAfter(20_000)]
    public void ACatastrophicRegexOnALongInputCountsAsNoMatchInsteadOfStalling()
    {
        var timedOut = new List<string>();
        var logger = new ListLogger();
        var engine = new RuleEngine(Policy("rules:\n  - name: evil\n    when: { body: { regex: '(a+)+$' } }\n    then: { priority: urgent }\n"), logger);
        var input = Mail() with { Body = new string('a', 50_000) + "!" };

        var first = engine.Evaluate(input);
        var second = engine.Evaluate(input);

        Assert.That((first.Matches.Count, first.Priority, second.Matches.Count), Is.EqualTo((0, "normal", 0)));
        Assert.That(logger.Messages.Count(m => m.Contains("match timeout")), Is.EqualTo(1), "the timeout is logged once");
    }

    [Test]
    public void ActionsSetTeamOwnerPriorityTagsSlaAndAck()
    {
        var outcome = new RuleEngine(Policy("""
            sla:
              policies:
                gold: { urgent: { first_response: 1h } }
            rules:
              - name: all actions
                then: { team: sales, owner: s1@example.test, priority: high, tags: [a, b], sla: gold, ack: false }
            """)).Evaluate(Mail());
        Assert.That((outcome.Team, outcome.Owner, outcome.Priority, outcome.Sla, outcome.Ack), Is.EqualTo(("sales", "s1@example.test", "high", "gold", new AckDecision(false, null))));
        Assert.That(outcome.Tags, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(outcome.Decisions.Select(d => d.Action), Is.EqualTo(new[] { "team=sales", "owner=s1@example.test", "priority=high", "tag+=a", "tag+=b", "sla=gold", "ack=off" }));
    }

    [Test]
    public void AckCanNameATemplate() =>
        Assert.That(new RuleEngine(Policy("rules:\n  - name: r\n    then: { ack: ack-vip }\n")).Evaluate(Mail()).Ack, Is.EqualTo(new AckDecision(true, "ack-vip")));

    [Test]
    public void IgnoreMarksTheMessageAndNamesTheRule()
    {
        var outcome = new RuleEngine(Policy("rules:\n  - name: spam\n    when: { subject: { contains: hello } }\n    then: { ignore: true }\n")).Evaluate(Mail());
        Assert.That((outcome.Ignore, outcome.IgnoredBy), Is.EqualTo((true, "spam")));
    }

    [Test]
    public void LaterRulesOverrideEarlierOnesAndTagsAddUp()
    {
        var outcome = new RuleEngine(Policy("""
            rules:
              - name: first
                then: { team: sales, priority: low, tags: [one] }
              - name: second
                then: { team: support, tags: [two, one] }
            """)).Evaluate(Mail());
        Assert.That((outcome.Team, outcome.TeamSetBy, outcome.Priority), Is.EqualTo(("support", "second", "low")));
        Assert.That(outcome.Tags, Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public void StopEndsEvaluationAfterItsRule()
    {
        var outcome = new RuleEngine(Policy("""
            rules:
              - name: first
                when: { from_domain: example.org }
                then: { team: sales, stop: true }
              - name: second
                then: { team: support }
            """)).Evaluate(Mail());
        Assert.That(outcome.Matches.Select(m => m.Rule), Is.EqualTo(new[] { "first" }));
        Assert.That(outcome.Team, Is.EqualTo("sales"));
    }

    [Test]
    public void ARuleThatDoesNotMatchDoesNotStop()
    {
        var outcome = new RuleEngine(Policy("""
            rules:
              - name: first
                when: { from_domain: other.org }
                then: { team: sales, stop: true }
              - name: second
                then: { team: support }
            """)).Evaluate(Mail());
        Assert.That(outcome.Team, Is.EqualTo("support"));
    }

    [TestCase("ceo@big.example", "high")]
    [TestCase("anyone@vip.example", "high")]
    [TestCase("ANYONE@VIP.EXAMPLE", "high")]
    [TestCase("someone@example.org", "normal")]
    public void AVipAddressOrDomainRaisesPriorityOneStep(string from, string expected)
    {
        var outcome = new RuleEngine(Policy("vip:\n  addresses: [ceo@big.example]\n  domains: [vip.example]\n")).Evaluate(Mail(from: from));
        Assert.That(outcome.Priority, Is.EqualTo(expected));
        if (expected == "high") Assert.That(outcome.Decisions.Last(), Is.EqualTo(new RuleDecision("vip", "priority=high (vip)")));
    }

    [Test]
    public void AVipDoesNotRaiseAPriorityARuleSet()
    {
        var outcome = new RuleEngine(Policy("vip:\n  domains: [vip.example]\nrules:\n  - name: low\n    then: { priority: low }\n")).Evaluate(Mail(from: "x@vip.example"));
        Assert.That((outcome.Priority, outcome.Vip), Is.EqualTo(("low", true)));
    }

    [Test]
    public void TheDefaultSlaPolicyAppliesWhenNoRuleSetsOne()
    {
        var outcome = new RuleEngine(Policy("sla:\n  default: std\n  policies:\n    std: { normal: { resolution: 2d } }\n")).Evaluate(Mail());
        Assert.That(outcome.Sla, Is.EqualTo("std"));
    }
}
