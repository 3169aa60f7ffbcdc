namespace TicketWorker.Replies;

/// <summary>The estimate as templates see it: <c>estimate.due</c> is shown in the estimate's own zone.</summary>
internal sealed record EstimateValue(ZonedInstant Due, string TimeZone, bool AsBusinessDays, int BusinessDays);
