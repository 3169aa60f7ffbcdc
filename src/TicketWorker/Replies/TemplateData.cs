namespace TicketWorker.Replies;

/// <summary>Turns a <see cref="ReplyModel"/> into the camel-case tree the templates read (names in templates/README.md).</summary>
internal static class TemplateData
{
    public static Dictionary<string, object?> From(ReplyModel model)
    {
        var zone = ZonedInstant.FindZone(model.TimeZoneId);
        EstimateValue? estimate = null;
        if (model.Estimate is { } e)
        {
            var estimateZone = ZonedInstant.FindZone(e.TimeZoneId);
            estimate = new EstimateValue(new ZonedInstant(e.Due, estimateZone), e.TimeZoneId, e.AsBusinessDays, e.BusinessDays);
        }
        return new Dictionary<string, object?>
        {
            ["number"] = model.TicketNumber,
            ["tag"] = model.TicketTag,
            ["subject"] = model.Subject,
            ["customer"] = new Dictionary<string, object?> { ["name"] = model.CustomerName, ["email"] = model.CustomerEmail },
            ["agent"] = new Dictionary<string, object?> { ["name"] = model.AgentName, ["email"] = model.AgentEmail },
            ["body"] = model.Body,
            ["status"] = model.Status,
            ["priority"] = model.Priority,
            ["team"] = model.Team,
            ["owner"] = model.Owner,
            ["created"] = new ZonedInstant(model.CreatedAt, zone),
            ["estimate"] = estimate,
            ["escalation"] = new Dictionary<string, object?> { ["level"] = model.EscalationLevel, ["reason"] = model.EscalationReason },
            ["support"] = model.SupportAddress,
            ["timeZone"] = model.TimeZoneId,
            ["extra"] = model.Extra,
        };
    }
}
