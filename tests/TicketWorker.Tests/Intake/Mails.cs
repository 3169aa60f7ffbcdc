namespace TicketWorker.Tests.Intake;

/// <summary>Raw test messages, written the way real clients write them.</summary>
public static class Mails
{
    public static string Customer(string from, string subject, string id, string body = "Hello,\nmy printer is broken.\n", string to = "support@example.test", string headers = "") =>
        $"""
        From: {from}
        To: {to}
        Subject: {subject}
        Date: Mon, 2 Mar 2026 09:00:00 +0000
        Message-ID: <{id}>
        MIME-Version: 1.0
        {headers}Content-Type: text/plain; charset=utf-8

        {body}
        """;

    /// <summary>A reply as Gmail and Thunderbird write it: In-Reply-To and References.</summary>
    public static string Reply(string from, string subject, string id, string inReplyTo, string body = "Any news?\n") =>
        Customer(from, subject, id, body, headers: $"In-Reply-To: <{inReplyTo}>\nReferences: <{inReplyTo}>\n");
}
