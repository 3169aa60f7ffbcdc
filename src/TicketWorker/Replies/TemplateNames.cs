namespace TicketWorker.Replies;

/// <summary>The templates the worker renders; each must exist at least in the default language.</summary>
public static class TemplateNames
{
    public const string Ack = "ack";
    public const string AgentReply = "agent-reply";
    public const string Notification = "notification";
    public const string Escalation = "escalation";
    public const string Closed = "closed";

    /// <summary>Every template the worker needs.</summary>
    public static IReadOnlyList<string> All { get; } = [Ack, AgentReply, Notification, Escalation, Closed];
}
