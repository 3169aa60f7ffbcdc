namespace TicketWorker.Rules;

/// <summary>What a field condition looks at.</summary>
public enum ConditionField
{
    From,
    FromDomain,
    To,
    Cc,
    Subject,
    Body,
    Header,
    HasAttachment,
    Language,
    BusinessHours,
    Kind,
}
