using System.Collections;
using System.Globalization;
using Scriban.Runtime;

namespace TicketWorker.Replies;

/// <summary>
/// Turns a <see cref="ReplyModel"/> into the tree the templates read (names in templates/README.md):
/// read-only <see cref="ScriptObject"/>s holding only text, numbers, booleans and our own date and
/// estimate values. No .NET object is handed to Scriban, so a template cannot reach anything by
/// reflection, and read-only objects mean it cannot change what the next part or reply sees.
/// </summary>
internal static class TemplateData
{
    public static ScriptObject From(ReplyModel model)
    {
        var zone = ZonedInstant.FindZone(model.TimeZoneId);
        EstimateValue? estimate = null;
        if (model.Estimate is { } e)
        {
            var estimateZone = ZonedInstant.FindZone(e.TimeZoneId);
            estimate = new EstimateValue(new ZonedInstant(e.Due, estimateZone), e.TimeZoneId, e.AsBusinessDays, e.BusinessDays);
        }
        return ReadOnly(new ScriptObject
        {
            ["number"] = model.TicketNumber,
            ["tag"] = model.TicketTag,
            ["subject"] = model.Subject,
            ["customer"] = ReadOnly(new ScriptObject { ["name"] = Text(model.CustomerName), ["email"] = Text(model.CustomerEmail) }),
            ["agent"] = ReadOnly(new ScriptObject { ["name"] = Text(model.AgentName), ["email"] = Text(model.AgentEmail) }),
            ["body"] = Text(model.Body),
            ["status"] = Text(model.Status),
            ["priority"] = Text(model.Priority),
            ["team"] = Text(model.Team),
            ["owner"] = Text(model.Owner),
            ["created"] = new ZonedInstant(model.CreatedAt, zone),
            ["estimate"] = estimate,
            ["dueAt"] = model.Due is { } due ? new ZonedInstant(due, zone) : null,
            ["followUp"] = model.FollowUp,
            ["attachments"] = Array(model.Attachments, zone, depth: 0),
            ["escalation"] = ReadOnly(new ScriptObject { ["level"] = model.EscalationLevel, ["reason"] = Text(model.EscalationReason) }),
            ["support"] = Text(model.SupportAddress),
            ["timeZone"] = model.TimeZoneId,
            ["extra"] = Dictionary(model.Extra, zone, depth: 0),
        });
    }

    // Liquid treats "" as true; an empty value is nil so that '{% if customer.name %}' means "has a name".
    private static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ScriptObject ReadOnly(ScriptObject o)
    {
        o.IsReadOnly = true;
        return o;
    }

    private static ScriptObject Dictionary(IEnumerable<KeyValuePair<string, object?>> values, TimeZoneInfo zone, int depth)
    {
        var o = new ScriptObject();
        foreach (var (key, value) in values) o[key] = Value(value, zone, depth + 1);
        return ReadOnly(o);
    }

    /// <summary>Plain values only; anything else becomes its text (nesting is cut at a sane depth).</summary>
    private static object? Value(object? value, TimeZoneInfo zone, int depth) => value switch
    {
        null => null,
        string s => Text(s),
        bool or int or long or double or decimal => value,
        IConvertible c when c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal => c.ToDouble(CultureInfo.InvariantCulture),
        DateTimeOffset d => new ZonedInstant(d, zone),
        DateTime d => new ZonedInstant(new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)), zone),
        TimeSpan t => t.TotalHours, // the duration filter takes hours
        IEnumerable<KeyValuePair<string, object?>> map when depth < 8 => Dictionary(map, zone, depth),
        IEnumerable list when depth < 8 => Array(list, zone, depth),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static ScriptArray Array(IEnumerable list, TimeZoneInfo zone, int depth)
    {
        var a = new ScriptArray();
        foreach (var item in list) a.Add(Value(item, zone, depth + 1));
        // Arrays stay writable in Scriban; the tree is built anew for each render, so nothing leaks.
        return a;
    }
}
