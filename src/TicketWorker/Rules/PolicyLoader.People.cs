using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

public static partial class PolicyLoader
{
    private static readonly string[] AgentKeys = ["email", "name", "teams", "language", "away"];
    private static readonly string[] AwayKeys = ["from", "to"];
    private static readonly string[] TeamKeys = ["members", "assign", "owner", "lead"];
    private static readonly string[] AssignModes = ["fixed", "round_robin", "least_open"];
    private static readonly string[] VipKeys = ["addresses", "domains"];

    private static List<Agent> ReadAgents(YamlNode? node, Reader r)
    {
        var agents = new List<Agent>();
        if (r.Sequence(node, "agents") is not { } list) return agents;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in list)
        {
            if (item is not YamlMappingNode map) { r.Error(item, "each agent must be a mapping with email and name"); continue; }
            string? email = null, name = null, language = null;
            YamlNode? emailNode = null;
            var teams = new List<string>();
            bool away = false, bad = false;
            DateOnly? from = null, to = null;
            foreach (var (key, _, v) in r.Entries(map, AgentKeys, "agent key"))
            {
                switch (key)
                {
                    case "email": emailNode = v; email = r.Email(v, "email"); bad |= email is null; break;
                    case "name": name = r.String(v, "name"); break;
                    case "language": language = r.String(v, "language"); break;
                    case "teams": teams.AddRange(r.Strings(v, "team")); break;
                    case "away":
                        if (v is YamlMappingNode range)
                        {
                            foreach (var (k, _, d) in r.Entries(range, AwayKeys, "away key"))
                                if (k == "from") from = r.Date(d, "away from"); else to = r.Date(d, "away to");
                            if (from is null || to is null) r.Error(range, "away needs both from: and to: dates");
                            else if (to < from) r.Error(range, $"away: to ({to:yyyy-MM-dd}) is before from ({from:yyyy-MM-dd})");
                        }
                        else away = r.Bool(v, "away") ?? false;
                        break;
                }
            }
            if (bad) continue;
            if (email is null) { r.Error(map, "an agent needs an email"); continue; }
            if (!seen.Add(email)) { r.Error(emailNode!, $"agent {email} is listed twice"); continue; }
            agents.Add(new Agent(email, name ?? email, teams, language, away, from, to));
        }
        return agents;
    }

    /// <summary>
    /// Teams from <c>teams:</c> plus teams named only by agents (round robin over those agents), so a
    /// short file with just <c>agents:</c> works. Members: the explicit list, then agents naming the team.
    /// </summary>
    private static List<Team> ReadTeams(YamlNode? node, List<Agent> agents, Reader r)
    {
        var teams = new List<Team>();
        if (r.Mapping(node, "teams") is { } map)
        {
            foreach (var (k, v) in map.Children)
            {
                var name = (k as YamlScalarNode)?.Value ?? "";
                var members = new List<string>();
                var assign = AssignMode.RoundRobin;
                string? owner = null, lead = null;
                YamlNode? assignNode = null;
                if (r.Mapping(v, $"team {name}") is { } team)
                {
                    foreach (var (key, _, value) in r.Entries(team, TeamKeys, "team key"))
                    {
                        switch (key)
                        {
                            case "members":
                                if (value is YamlSequenceNode seq)
                                    foreach (var m in seq)
                                        if (r.Email(m, "member") is { } email) { members.Add(email); r.Reference(m, "agent", email); }
                                break;
                            case "assign":
                                assignNode = value;
                                var mode = r.String(value, "assign");
                                if (mode is null) break;
                                var index = Array.IndexOf(AssignModes, mode);
                                if (index < 0) r.Error(value, $"assign must be one of {string.Join(", ", AssignModes)}, not '{mode}'{Suggest(mode, AssignModes)}");
                                else assign = (AssignMode)index;
                                break;
                            case "owner":
                                owner = r.Email(value, "owner");
                                if (owner is not null) r.Reference(value, "agent", owner);
                                break;
                            case "lead":
                                lead = r.Email(value, "lead");
                                if (lead is not null) r.Reference(value, "agent", lead);
                                break;
                        }
                    }
                }
                if (assign == AssignMode.Fixed && owner is null)
                    r.Error(assignNode ?? k, $"team {name}: assign: fixed needs an owner: (the agent who gets every ticket)");
                foreach (var a in agents.Where(a => a.Teams.Contains(name, StringComparer.OrdinalIgnoreCase)))
                    if (!members.Contains(a.Email, StringComparer.OrdinalIgnoreCase)) members.Add(a.Email);
                teams.Add(new Team(name, members, assign, owner, lead));
            }
        }
        foreach (var a in agents)
            foreach (var name in a.Teams)
                if (!teams.Any(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)))
                    teams.Add(new Team(name, agents.Where(x => x.Teams.Contains(name, StringComparer.OrdinalIgnoreCase)).Select(x => x.Email).ToList(), AssignMode.RoundRobin, null, null));
        return teams;
    }

    private static VipList ReadVip(YamlNode? node, Reader r)
    {
        if (r.Mapping(node, "vip") is not { } map) return VipList.Empty;
        var addresses = new List<string>();
        var domains = new List<string>();
        foreach (var (key, _, value) in r.Entries(map, VipKeys, "vip key"))
        {
            if (key == "addresses")
            {
                foreach (var item in value is YamlSequenceNode seq ? seq.Children : [value])
                    if (r.Email(item, "vip address") is { } a) addresses.Add(a);
            }
            else
            {
                foreach (var item in value is YamlSequenceNode seq ? seq.Children : [value])
                {
                    var d = r.String(item, "vip domain");
                    if (d is null) continue;
                    if (d.Contains('@') || !d.Contains('.')) r.Error(item, $"'{d}' is not a domain (write example.com, without @)");
                    else domains.Add(d);
                }
            }
        }
        return new VipList(addresses, domains);
    }
}
