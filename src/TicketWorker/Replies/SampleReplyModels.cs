namespace TicketWorker.Replies;

/// <summary>Models that fill every value a template can show; <c>check</c> renders each template with them.</summary>
public static class SampleReplyModels
{
    /// <summary>An acknowledgement-style model with a date-and-time estimate.</summary>
    public static ReplyModel WithDueTime { get; } = new()
    {
        TicketNumber = 42,
        TicketTag = "[#42]",
        Subject = "Printer does not print",
        CustomerName = "Sample Customer",
        CustomerEmail = "customer@example.org",
        AgentName = "Sample Agent",
        AgentEmail = "agent@example.org",
        Body = "Hello,\nthis is a sample message.\n\nSecond paragraph.",
        Status = "open",
        Priority = "normal",
        Team = "support",
        Owner = "agent@example.org",
        CreatedAt = new DateTimeOffset(2026, 3, 23, 9, 30, 0, TimeSpan.Zero),
        Estimate = new EstimateModel(new DateTimeOffset(2026, 3, 24, 13, 0, 0, TimeSpan.Zero), "Europe/Berlin"),
        Due = new DateTimeOffset(2026, 3, 24, 13, 0, 0, TimeSpan.Zero),
        Attachments = ["invoice.pdf", "screenshot.png"],
        EscalationLevel = 1,
        EscalationReason = "first response target missed",
        SupportAddress = "support@example.org",
        TimeZoneId = "Europe/Berlin",
    };

    /// <summary>The same with an estimate in business days and no customer name.</summary>
    public static ReplyModel WithBusinessDays { get; } = WithDueTime with
    {
        CustomerName = "",
        FollowUp = true,
        Estimate = new EstimateModel(new DateTimeOffset(2026, 4, 2, 13, 0, 0, TimeSpan.Zero), "Europe/Berlin", AsBusinessDays: true, BusinessDays: 7),
    };

    /// <summary>A sparse model: optional values missing.</summary>
    public static ReplyModel Sparse { get; } = new()
    {
        TicketNumber = 7,
        TicketTag = "[#7]",
        Subject = "Question",
        CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    public static IReadOnlyList<ReplyModel> All { get; } = [WithDueTime, WithBusinessDays, Sparse];
}
