using Scriban.Runtime;

namespace TicketWorker.Replies;

/// <summary>
/// The estimate as templates see it: <c>estimate.due</c> (shown in the estimate's own zone),
/// <c>estimate.timeZone</c>, <c>estimate.asBusinessDays</c>, <c>estimate.businessDays</c>. Read-only.
/// </summary>
internal sealed class EstimateValue : ScriptObject
{
    // No static members to import (see ZonedInstant).
    public EstimateValue(ZonedInstant due, string timeZone, bool asBusinessDays, int businessDays) : base(4, autoImportStaticsFromThisType: false)
    {
        Due = due;
        TimeZone = timeZone;
        AsBusinessDays = asBusinessDays;
        BusinessDays = businessDays;
        SetValue("due", due, true);
        SetValue("timeZone", timeZone, true);
        SetValue("asBusinessDays", asBusinessDays, true);
        SetValue("businessDays", businessDays, true);
        IsReadOnly = true;
    }

    public ZonedInstant Due { get; }

    public string TimeZone { get; }

    public bool AsBusinessDays { get; }

    public int BusinessDays { get; }
}
