using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

public static partial class PolicyLoader
{
    private static readonly string[] NotifyKeys = ["new_ticket", "follow_up"];

    private static NotifySettings ReadNotify(YamlNode? node, Reader r)
    {
        var notify = NotifySettings.Default;
        if (r.Mapping(node, "notify") is not { } map) return notify;
        foreach (var (key, _, value) in r.Entries(map, NotifyKeys, "notify key"))
        {
            notify = key == "new_ticket"
                ? notify with { NewTicket = r.Bool(value, "new_ticket") ?? notify.NewTicket }
                : notify with { FollowUp = r.Bool(value, "follow_up") ?? notify.FollowUp };
        }
        return notify;
    }
}
