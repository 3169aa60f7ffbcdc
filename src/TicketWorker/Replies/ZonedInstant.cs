using System.Globalization;

namespace TicketWorker.Replies;

/// <summary>An instant together with the zone it is shown in; what the date helpers receive.</summary>
internal sealed record ZonedInstant(DateTimeOffset Instant, TimeZoneInfo Zone)
{
    /// <summary>The wall-clock time in <see cref="Zone"/>.</summary>
    public DateTime Local => TimeZoneInfo.ConvertTime(Instant, Zone).DateTime;

    public string ZoneId => Zone.Id;

    public override string ToString() => Local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

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
