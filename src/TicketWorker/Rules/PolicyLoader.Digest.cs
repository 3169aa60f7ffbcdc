using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

public static partial class PolicyLoader
{
    private static readonly string[] DigestKeys = ["to", "hour", "at"];

    /// <summary><c>digest: { to: [admin@example.test], hour: 7 }</c> (or <c>at: "07:30"</c>); null when the section is absent or empty.</summary>
    private static DigestSettings? ReadDigest(YamlNode? node, Reader r)
    {
        if (r.Mapping(node, "digest") is not { } map) return null;
        List<string> to = [];
        YamlNode? toNode = null;
        var hour = DigestSettings.DefaultHour;
        TimeOnly? at = null;
        YamlNode? hourNode = null, atNode = null;
        foreach (var (key, _, value) in r.Entries(map, DigestKeys, "digest key"))
        {
            if (key == "to")
            {
                toNode = value;
                var list = value is YamlSequenceNode seq ? seq.Children : (IEnumerable<YamlNode>)[value];
                if (value is YamlSequenceNode { Children.Count: 0 }) r.Error(value, "digest to: needs at least one address");
                foreach (var item in list)
                {
                    if (r.Email(item, "digest to") is not { } address) continue;
                    if (to.Contains(address, StringComparer.OrdinalIgnoreCase)) r.Error(item, $"digest to: '{address}' is listed twice");
                    else to.Add(address);
                }
            }
            else if (key == "at")
            {
                atNode = value;
                if (r.String(value, "digest at") is not { } text) continue;
                // HH:mm, 24-hour clock, nothing else: no seconds, no am/pm.
                if (text.Length == 5 && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) at = time;
                else r.Error(value, $"digest at must be a time of day written HH:mm (e.g. \"07:30\"), not '{text}'");
            }
            else
            {
                hourNode = value;
                hour = r.Int(value, "digest hour", 0, 23) ?? hour;
            }
        }
        if (toNode is null) r.Error(map, "digest needs to: (the admins' addresses, e.g. to: [admin@example.test])");
        if (hourNode is not null && atNode is not null) r.Error(atNode, "digest: give either hour: or at:, not both");
        if (at is { } given) hour = given.Hour;
        return to.Count > 0 ? new DigestSettings(to, hour) { At = at } : null;
    }
}
