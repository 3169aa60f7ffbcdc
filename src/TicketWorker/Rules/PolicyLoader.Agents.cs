using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

public static partial class PolicyLoader
{
    private static readonly string[] AgentMailKeys = ["pending_on_reply", "from_name"];

    private static AgentMailSettings ReadAgentMail(YamlNode? node, Reader r)
    {
        var settings = AgentMailSettings.Default;
        if (r.Mapping(node, "agent_mail") is not { } map) return settings;
        foreach (var (key, _, value) in r.Entries(map, AgentMailKeys, "agent_mail key"))
        {
            if (key == "pending_on_reply")
            {
                settings = settings with { PendingOnReply = r.Bool(value, "pending_on_reply") ?? settings.PendingOnReply };
                continue;
            }
            var name = r.String(value, "from_name");
            if (name is null) continue;
            if (!name.Contains("{name}", StringComparison.Ordinal) || name.Contains('\n') || name.Contains('\r'))
                r.Error(value, "from_name must be one line containing {name} (the agent's name), e.g. \"{name} (Support)\"");
            else settings = settings with { FromName = name };
        }
        return settings;
    }
}
