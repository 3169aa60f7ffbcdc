using System.Text;
using TicketWorker.Threading;

namespace TicketWorker.Tests.Threading;

public class StableMessageIdTests
{
    private const string Body = "From: a@example.test\nTo: support@example.test\nSubject: hi\n\nHello\nthere\n";

    private static Task<string> Id(string raw) => StableMessageId.ComputeAsync(new MemoryStream(Encoding.UTF8.GetBytes(raw)));

    [Test]
    public async Task TwoDeliveriesOfOneMessageGetTheSameId()
    {
        var first = await Id("Return-Path: <a@example.test>\nDelivered-To: support@example.test\nReceived: from x\n\tby y; Mon, 1 Jan 2024 00:00:00 +0000\n" + Body);
        var second = await Id("Delivered-To: sales@example.test\nX-Original-To: sales@example.test\nReceived: from z by w\n" + Body.Replace("\n", "\r\n"));
        Assert.That(first, Is.EqualTo(second));
        Assert.That(first, Does.EndWith("@" + StableMessageId.Domain));
    }

    [Test]
    public async Task DifferentContentGetsADifferentId() =>
        Assert.That(await Id(Body), Is.Not.EqualTo(await Id(Body.Replace("Hello", "Hallo"))));

    [Test]
    public async Task AChangedSubjectGetsADifferentId() =>
        Assert.That(await Id(Body), Is.Not.EqualTo(await Id(Body.Replace("Subject: hi", "Subject: ho"))));
}
