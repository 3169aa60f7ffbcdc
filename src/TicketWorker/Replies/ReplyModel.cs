namespace TicketWorker.Replies;

/// <summary>
/// What a reply template can show. Templates see camel-case names (documented in
/// templates/README.md): <c>number</c>, <c>tag</c>, <c>subject</c>, <c>customer.name</c>, …
/// Instants are shown in <see cref="TimeZoneId"/> by the date helpers.
/// </summary>
public sealed record ReplyModel
{
    public long TicketNumber { get; init; }
    /// <summary>The subject tag as it appears in subjects, e.g. <c>[#42]</c>.</summary>
    public string TicketTag { get; init; } = "";
    /// <summary>The ticket's subject without the tag.</summary>
    public string Subject { get; init; } = "";
    public string CustomerName { get; init; } = "";
    public string CustomerEmail { get; init; } = "";
    public string? AgentName { get; init; }
    public string? AgentEmail { get; init; }
    /// <summary>Free text: the agent's answer (agent-reply) or the customer's message (notification).</summary>
    public string? Body { get; init; }
    public string? Status { get; init; }
    public string? Priority { get; init; }
    public string? Team { get; init; }
    public string? Owner { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public EstimateModel? Estimate { get; init; }
    /// <summary>When the ticket is due (the resolution time promised or the SLA's), shown in <see cref="TimeZoneId"/>; null when unknown.</summary>
    public DateTimeOffset? Due { get; init; }
    /// <summary>The notification is for a further mail of the customer, not a new ticket.</summary>
    public bool FollowUp { get; init; }
    /// <summary>File names of the customer's attachments that were attached to the notification.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];
    public int EscalationLevel { get; init; }
    /// <summary>Why an escalation fired (e.g. "first response target missed").</summary>
    public string? EscalationReason { get; init; }
    /// <summary>Our address (support@…), for "reply to this mail" hints.</summary>
    public string? SupportAddress { get; init; }
    /// <summary>IANA zone in which instants other than the estimate are shown; UTC by default.</summary>
    public string TimeZoneId { get; init; } = "UTC";
    /// <summary>Further values for custom templates, available as <c>extra.key</c>.</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = new Dictionary<string, object?>();
}
