namespace TicketWorker.Replies;

/// <summary>
/// The promised resolution time shown in an acknowledgement: a due instant on the team's calendar,
/// stated either as a date and time in <see cref="TimeZoneId"/> or as a number of business days.
/// </summary>
/// <param name="Due">When the ticket is expected to be resolved.</param>
/// <param name="TimeZoneId">IANA zone of the calendar the estimate was placed on (e.g. <c>Europe/Berlin</c>).</param>
/// <param name="AsBusinessDays">State the estimate as "within N business days" instead of a date and time.</param>
/// <param name="BusinessDays">N when <paramref name="AsBusinessDays"/> is set.</param>
public sealed record EstimateModel(DateTimeOffset Due, string TimeZoneId, bool AsBusinessDays = false, int BusinessDays = 0);
