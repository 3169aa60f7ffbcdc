using TicketWorker.Agents;
using TicketWorker.Mail.Reading;
using TicketWorker.Replies;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Agents;

public class AgentReplyComposerTests
{
    private static MessageRecord Message(string id, MessageDirection direction, string kind, params string[] references) =>
        new() { MessageId = id, Direction = direction, Kind = kind, References = references };

    [Test]
    public void TheAnswerRepliesToTheCustomersLatestMailAndReferencesOnlyWhatTheCustomerSaw()
    {
        var thread = AgentReplyComposer.Thread(
        [
            Message("c1@customer.example", MessageDirection.Inbound, "customer", "older@customer.example"),
            Message("ack1@example.test", MessageDirection.Outbound, "ack"),
            Message("n1@example.test", MessageDirection.Outbound, "notification"),
            Message("a1@agent.example", MessageDirection.Inbound, "agent"),
            Message("r1@example.test", MessageDirection.Outbound, "agent"),
            Message("c2@customer.example", MessageDirection.Inbound, "customer"),
            Message("note1@agent.example", MessageDirection.Inbound, "note"),
        ]);
        Assert.That(thread.InReplyTo, Is.EqualTo("c2@customer.example"));
        Assert.That(thread.References, Is.EqualTo(new[] { "older@customer.example", "c1@customer.example", "ack1@example.test", "r1@example.test", "c2@customer.example" }));
    }

    [Test]
    public void ALongConversationKeepsItsRootAndTheLatestIds()
    {
        var messages = Enumerable.Range(1, 40).Select(i => Message($"c{i}@customer.example", MessageDirection.Inbound, "customer")).ToList();
        var thread = AgentReplyComposer.Thread(messages);
        Assert.That(thread.References, Has.Count.EqualTo(20));
        Assert.That(thread.References[0], Is.EqualTo("c1@customer.example"));
        Assert.That(thread.References[^1], Is.EqualTo("c40@customer.example"));
    }

    [Test]
    public void TheCustomerIsInToAndThePeopleTheCustomerCopiedInCcNeverOursNorAnAgentNorAddedBySomeoneElse()
    {
        var ticket = new TicketRecord { CustomerAddress = "ann@customer.example", CustomerName = "Ann" };
        MessageRecord M(string from, string kind, string[] to, string[] cc, MessageDirection direction = MessageDirection.Inbound) =>
            new() { From = from, Kind = kind, To = to, Cc = cc, Direction = direction };
        var (to, cc) = AgentReplyComposer.Recipients(ticket,
            [
                M("Ann@customer.example", "customer", ["support@example.test", "carol@customer.example"], ["bob@customer.example", "agent1@example.test"]),
                M("ann@customer.example", "customer", ["support+t1-abc@example.test"], ["BOB@customer.example", "ann@customer.example"]),
                // An unverified mail claiming agent1 (stored as a customer's follow-up) and a bounce: neither adds anyone.
                M("agent1@example.test", "customer", ["support@example.test"], ["attacker@evil.example"]),
                M("mailer-daemon@relay.example", "bounce", ["support@example.test"], ["dsn@relay.example"]),
                M("support@example.test", "ack", ["ann@customer.example"], ["x@customer.example"], MessageDirection.Outbound),
            ],
            a => a.StartsWith("support", StringComparison.Ordinal) || a.StartsWith("agent", StringComparison.Ordinal));
        Assert.That(to.Select(a => (a.Name, a.Address)), Is.EqualTo(new[] { ((string?)"Ann", "ann@customer.example") }));
        Assert.That(cc.Select(a => a.Address), Is.EqualTo(new[] { "carol@customer.example", "bob@customer.example" }));
    }

    [Test]
    public void InlineImagesArePlacedAfterTheAnswerInTheHtmlAndTheMarkerLeavesTheText()
    {
        var body = AgentReplyComposer.Body("See the screenshot.", hasInlineImages: true);
        var rendered = new AckContent("Re: x [#1]", $"{body}\n\nAgent One\n", $"<html><body><p>See the screenshot.</p>\n<p>{AgentReplyComposer.ImagesMarker}</p>\n<p>Agent One</p></body></html>", "en");
        var placed = AgentReplyComposer.PlaceImages(rendered, [("img1@agent.example", "shot.png")]);
        Assert.That(placed.Html, Does.Contain("<p><img src=\"cid:img1@agent.example\" alt=\"shot.png\"").And.Not.Contain(AgentReplyComposer.ImagesMarker));
        Assert.That(placed.Html!.IndexOf("cid:", StringComparison.Ordinal), Is.LessThan(placed.Html.IndexOf("Agent One", StringComparison.Ordinal)));
        Assert.That(placed.Text, Is.EqualTo("See the screenshot.\n\nAgent One\n"));
    }

    [Test]
    public void WithoutHtmlAMinimalHtmlPartCarriesTheImages()
    {
        var placed = AgentReplyComposer.PlaceImages(new AckContent("s", "Look <here>.\n\n" + AgentReplyComposer.ImagesMarker + "\n", null, "en"), [("i@x", "a.png")]);
        Assert.That(placed.Html, Does.Contain("<p>Look &lt;here&gt;.</p>").And.Contain("cid:i@x"));
    }

    [TestCase(true, "image/png", "img@x", "<img src=\"cid:img@x\">", true)]
    [TestCase(true, "image/png", "img@x", "<p>no image</p>", false)]
    [TestCase(false, "application/pdf", null, null, true)]
    [TestCase(false, "application/pkcs7-signature", null, null, false)]
    public void WhatIsRelayed(bool inline, string type, string? cid, string? html, bool relayed) =>
        Assert.That(AgentRelay.Relayable(new ReadAttachment(inline ? null : "f", type, 10, cid, inline), html), Is.EqualTo(relayed));
}
