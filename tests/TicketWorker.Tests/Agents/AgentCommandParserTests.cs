using TicketWorker.Agents;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Agents;

public class AgentCommandParserTests
{
    private static readonly SupportPolicy Policy = PolicyLoader.Parse(new StringReader("""
        agents:
          - email: agent1@example.test
            name: Agent One
            teams: [support]
          - email: agent2@example.test
            name: Agent Two
            teams: [support, sales]
          - email: twin1@example.test
            name: Twin
          - email: twin2@example.test
            name: Twin
        teams:
          sales:
            owner: agent2@example.test
        """), "rules.yaml");

    private static AgentCommands Parse(string text) => AgentCommandParser.Parse(text, Policy);

    [Test]
    public void CommandLinesAtTheTopAreReadAndTheRestIsTheAnswer()
    {
        var c = Parse("#priority HIGH\n#tag Billing\n\nHello Ann,\n#close is not a command here.\n");
        Assert.That(c.Errors, Is.Empty);
        Assert.That(c.Commands, Is.EqualTo(new[] { new AgentCommand(AgentCommandKind.Priority, "high"), new AgentCommand(AgentCommandKind.Tag, "billing") }));
        Assert.That(c.Text, Is.EqualTo("Hello Ann,\n#close is not a command here."));
        Assert.That(c.Status, Is.Null);
    }

    [Test]
    public void TextWithoutCommandsIsAllAnswer()
    {
        var c = Parse("\n\nThanks, fixed.\n#close\n");
        Assert.That(c.Errors, Is.Empty);
        Assert.That(c.Commands, Is.Empty);
        Assert.That(c.Text, Is.EqualTo("Thanks, fixed.\n#close"));
    }

    [Test]
    public void AHashFollowedByADigitOrASpaceIsText()
    {
        var c = Parse("#1 thing to check: the cable\n# not a command");
        Assert.That(c.Commands, Is.Empty);
        Assert.That(c.Errors, Is.Empty);
        Assert.That(c.Text, Does.StartWith("#1 thing"));
    }

    [TestCase("#assign agent2@example.test", "agent2@example.test", false)]
    [TestCase("#assign AGENT2@example.test", "agent2@example.test", false)]
    [TestCase("#assign Agent Two", "agent2@example.test", false)]
    [TestCase("#assign sales", "sales", true)]
    public void AssignTakesAnAgentsAddressOrNameOrATeam(string line, string argument, bool team)
    {
        var c = Parse(line);
        Assert.That(c.Errors, Is.Empty);
        Assert.That(c.Commands.Single(), Is.EqualTo(new AgentCommand(AgentCommandKind.Assign, argument, team)));
    }

    [TestCase("#frobnicate", "unknown command")]
    [TestCase("#priority extreme", "not a priority")]
    [TestCase("#priority", "needs one of")]
    [TestCase("#assign nobody@example.test", "no such agent or team")]
    [TestCase("#assign Twin", "several agents have this name")]
    [TestCase("#close now please", "takes no argument")]
    [TestCase("#tag two words", "one word")]
    [TestCase("#close\n#open", "more than one of #close")]
    public void AnUnknownCommandOrArgumentIsAnError(string text, string error)
    {
        var c = Parse(text + "\n\nSome answer.");
        Assert.That(c.Errors, Has.Some.Contains(error));
    }

    [Test]
    public void ErrorsAreCollectedForEveryBadLine()
    {
        var c = Parse("#priority extreme\n#frobnicate\n#tag ok\nText");
        Assert.That(c.Errors, Has.Count.EqualTo(2));
    }

    [Test]
    public void NoteTakesTheRestOfTheMailIncludingItsOwnLine()
    {
        var c = Parse("#pending\n#note call them back tomorrow\nThey prefer mornings.\n#close");
        Assert.That(c.Errors, Is.Empty);
        Assert.That(c.IsNote);
        Assert.That(c.Status, Is.EqualTo(TicketStatus.Pending));
        Assert.That(c.Text, Is.EqualTo("call them back tomorrow\nThey prefer mornings.\n#close"));
    }

    [TestCase("#close", TicketStatus.Closed)]
    [TestCase("#Pending", TicketStatus.Pending)]
    [TestCase("  #open  ", TicketStatus.Open)]
    public void StatusCommands(string line, TicketStatus status) => Assert.That(Parse(line).Status, Is.EqualTo(status));

    [Test]
    public void ApplyingCommandsChangesTheTicketCopyOnly()
    {
        var ticket = new TicketRecord { Number = 7, Status = TicketStatus.Open, Priority = "normal", Team = "support", Owner = "agent1@example.test", Tags = ["vip"] };
        var after = AgentMail.Apply(ticket, Parse("#priority urgent\n#tag billing\n#tag VIP\n#assign sales\n#close"), Policy);
        Assert.That((after.Priority, after.Status, after.Team, after.Owner), Is.EqualTo(("urgent", TicketStatus.Closed, "sales", "agent2@example.test")));
        Assert.That(after.Tags, Is.EqualTo(new[] { "vip", "billing" }));
        Assert.That(ticket.Priority, Is.EqualTo("normal"));
    }

    [Test]
    public void AssigningAnAgentOutsideTheTicketsTeamMovesTheTicketToTheirTeam()
    {
        var ticket = new TicketRecord { Team = "sales", Owner = "agent2@example.test" };
        Assert.That(AgentMail.Apply(ticket, Parse("#assign agent1@example.test"), Policy) is { Owner: "agent1@example.test", Team: "support" });
        Assert.That(AgentMail.Apply(ticket with { Team = "support" }, Parse("#assign Agent Two"), Policy) is { Owner: "agent2@example.test", Team: "support" });
    }

    [Test]
    public void AnAnswerRecordsTheFirstResponseOnceAndSetsPendingUnlessACommandSetTheStatus()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var open = new TicketRecord { Status = TicketStatus.Open };
        Assert.That(AgentMail.Answered(open, null, at, Policy) is { Status: TicketStatus.Pending } a && a.FirstResponseAt == at);
        Assert.That(AgentMail.Answered(open with { Status = TicketStatus.Closed }, TicketStatus.Closed, at, Policy).Status, Is.EqualTo(TicketStatus.Closed));
        Assert.That(AgentMail.Answered(open with { FirstResponseAt = at.AddHours(-1) }, null, at, Policy).FirstResponseAt, Is.EqualTo(at.AddHours(-1)));
        var noPending = PolicyLoader.Parse(new StringReader("agent_mail: { pending_on_reply: false }"), "rules.yaml");
        Assert.That(AgentMail.Answered(open, null, at, noPending).Status, Is.EqualTo(TicketStatus.Open));
    }

    [Test]
    public void AgentMailSettingsAreCheckedWithTheirPosition()
    {
        var e = Assert.Throws<TicketWorker.Configuration.ConfigException>(() =>
            PolicyLoader.Parse(new StringReader("agent_mail:\n  from_name: Support team\n  pending: true\n"), "rules.yaml"));
        Assert.That(e!.Message, Does.Contain("rules.yaml:2:14").And.Contain("{name}").And.Contain("rules.yaml:3:3"));
    }

    [TestCase("<div dir=\"ltr\"><div>#priority high</div><div>#tag printer</div><div><br></div><div>Hello Ann,</div><div>please restart it.</div></div><br>"
        + "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, 2 Mar 2026 at 09:00, support@example.test wrote:<br></div>"
        + "<blockquote class=\"gmail_quote\">A new ticket has been opened.</blockquote></div>", TestName = "Gmail")]
    [TestCase("<html><body><div class=\"WordSection1\"><p class=\"MsoNormal\">#priority high<o:p></o:p></p><p class=\"MsoNormal\">#tag printer<o:p></o:p></p>"
        + "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p><p class=\"MsoNormal\">Hello Ann,<o:p></o:p></p><p class=\"MsoNormal\">please restart it.<o:p></o:p></p>"
        + "<div id=\"divRplyFwdMsg\"><p><b>From:</b> support@example.test<br><b>Sent:</b> Monday, March 2, 2026 09:00<br><b>Subject:</b> New ticket</p></div>"
        + "<div>A new ticket has been opened.</div></div></body></html>", TestName = "Outlook")]
    [TestCase("<html><body><p>#priority high<br>#tag printer</p><p>Hello Ann,<br>please restart it.</p>"
        + "<div class=\"moz-cite-prefix\">On 02.03.2026 09:00, support@example.test wrote:<br></div>"
        + "<blockquote type=\"cite\">A new ticket has been opened.</blockquote></body></html>", TestName = "Thunderbird")]
    public void CommandsSurviveTheHtmlOfRealClients(string html)
    {
        var c = Parse(TicketWorker.Mail.Quotes.ReplyText.Extract(null, html).NewText);
        Assert.That(c.Errors, Is.Empty);
        Assert.That(c.Commands, Is.EqualTo(new[] { new AgentCommand(AgentCommandKind.Priority, "high"), new AgentCommand(AgentCommandKind.Tag, "printer") }));
        Assert.That(c.Text, Does.StartWith("Hello Ann,").And.Contain("please restart it.").And.Not.Contain("new ticket"));
    }
}
