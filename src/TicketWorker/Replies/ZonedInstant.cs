using Scriban.Runtime;

namespace TicketWorker.Replies;

/// <summary>
/// An instant together with the zone it is shown in; what the date filters receive. A read-only
/// <see cref="ScriptObject"/> without members, so a template can pass it on but not look inside
/// the .NET values it carries.
/// </summary>
internal sealed class ZonedInstant : ScriptObject
{
    // No static members to import: a derived ScriptObject would otherwise import them by reflection on every construction.
    public ZonedInstant(DateTimeOffset instant, TimeZoneInfo zone) : base(0, autoImportStaticsFromThisType: false)
    {
        Instant = instant;
        Zone = zone;
        IsReadOnly = true;
    }

    public DateTimeOffset Instant { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The wall-clock time in <see cref="Zone"/>.</summary>
    public DateTime Local => TimeZoneInfo.ConvertTime(Instant, Zone).DateTime;

    public string ZoneId => Zone.Id;

    /// <summary>Finds an IANA zone (Linux and Windows: .NET maps IANA ids via ICU on Windows).</summary>
    public static TimeZoneInfo FindZone(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Equals("UTC", StringComparison.OrdinalIgnoreCase)) return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new TemplateException($"unknown time zone '{id}'", e);
        }
    }
}
