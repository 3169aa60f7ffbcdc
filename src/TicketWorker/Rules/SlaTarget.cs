namespace TicketWorker.Rules;

/// <summary>First-response and resolution targets for one priority, in business time (opening days plus business hours).</summary>
public sealed record SlaTarget(BusinessDuration? FirstResponse, BusinessDuration? Resolution);
