using System.Text;

namespace TicketWorker.Tests.Fleet;

/// <summary>Raw customer mail for the fleet test: new requests and replies to them (customer1..customer20 exist on the stack).</summary>
public static class FleetMail
{
    public const string Domain = "fleet.example.org";

    public static string RequestId(int i) => $"fleet-{i}@{Domain}";

    public static string ReplyId(int i) => $"fleet-reply-{i}@{Domain}";

    /// <summary>A new request of <paramref name="customer"/> (distinct subject: every request is a new ticket).</summary>
    public static byte[] Request(int i, string customer) => Bytes($"""
        From: Customer {customer} <{customer}@example.test>
        To: support@example.test
        Subject: fleet request {i}
        Date: Wed, 2 Dec 2026 09:00:00 +0000
        Message-ID: <{RequestId(i)}>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Hello, this is request {i}.
        My order has not arrived.
        """);

    /// <summary>The customer's follow-up to request <paramref name="i"/> (threaded by In-Reply-To and References).</summary>
    public static byte[] Reply(int i, string customer) => Bytes($"""
        From: Customer {customer} <{customer}@example.test>
        To: support@example.test
        Subject: Re: fleet request {i}
        Date: Wed, 2 Dec 2026 09:05:00 +0000
        Message-ID: <{ReplyId(i)}>
        In-Reply-To: <{RequestId(i)}>
        References: <{RequestId(i)}>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Any news on request {i}?
        """);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
}
