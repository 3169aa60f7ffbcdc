using System.Text;

namespace TicketWorker.Tests.Faults;

/// <summary>Raw customer mail for the fault tests: customer1..customer20 exist on the stack, so acknowledgements can be counted in their INBOXes.</summary>
public static class FaultMail
{
    public static string Customer(int i) => $"customer{(i % 20) + 1}";

    public static string MessageId(string test, int i) => $"{test}-{i}@faults.example.org";

    /// <summary>A new request (distinct subject, so every message is a new ticket).</summary>
    public static byte[] Request(string test, int i, string? body = null) => Bytes($"""
        From: Customer {i} <{Customer(i)}@example.test>
        To: support@example.test
        Subject: {test} request {i}
        Date: Wed, 2 Dec 2026 09:00:00 +0000
        Message-ID: <{MessageId(test, i)}>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        {body ?? $"Hello, this is request {i} of the {test} test.\nMy printer is broken.\n"}
        """);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
}
