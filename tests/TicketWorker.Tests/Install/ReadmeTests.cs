using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TicketWorker.Tests.Install;

/// <summary>
/// The README an admin reads stays true to what ships: every key of config/appsettings.json and
/// config/rules.yaml is in its configuration reference, and "The two commands" are the ones the
/// demo test runs.
/// </summary>
public partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md"));

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Word();

    /// <summary>The words inside code spans of the README's section <paramref name="heading"/> (up to the next "## ").</summary>
    private static HashSet<string> DocumentedWords(string heading)
    {
        var start = Readme.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"README.md has no section \"## {heading}\"");
        var end = Readme.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        var section = Readme[start..(end < 0 ? Readme.Length : end)];
        return CodeSpan().Matches(section).SelectMany(m => Word().Matches(m.Groups[1].Value)).Select(w => w.Value).ToHashSet(StringComparer.Ordinal);
    }

    [Test]
    public void EveryKeyOfTheShippedAppSettingsIsInTheConfigurationReference()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "config", "appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject()) { keys.Add(p.Name); Walk(p.Value); }
            else if (e.ValueKind == JsonValueKind.Array)
                foreach (var item in e.EnumerateArray()) Walk(item);
        }
        Walk(json.RootElement.GetProperty("TicketWorker"));

        var documented = DocumentedWords("Configuration");

        Assert.That(keys.Where(k => !documented.Contains(k)), Is.Empty, "keys of config/appsettings.json missing from README \"## Configuration\"");
    }

    [Test]
    public void EveryKeyOfTheShippedRulesIsInTheRulesReference()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoRoot.Path, "config", "rules.yaml"))) yaml.Load(reader);
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        // Names the admin chooses (teams, SLA policies) are values, not keys to document.
        var named = new[] { "teams", "policies" };
        void Walk(YamlNode node, string? parent)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children)
                    {
                        var name = ((YamlScalarNode)key).Value!;
                        if (parent is null || !named.Contains(parent)) keys.Add(name);
                        Walk(value, parent is not null && named.Contains(parent) ? "(" + name + ")" : name);
                    }
                    break;
                case YamlSequenceNode list:
                    foreach (var item in list.Children) Walk(item, parent);
                    break;
            }
        }
        Walk(yaml.Documents[0].RootNode, null);

        var documented = DocumentedWords("Rules");

        Assert.That(keys, Does.Contain("max_per_day").And.Contain("first_response"), "the walk found the keys");
        Assert.That(keys.Where(k => !documented.Contains(k)), Is.Empty, "keys of config/rules.yaml missing from README \"## Rules\"");
    }

    [Test]
    public void TheTwoCommandsAreTheDemoAndTheTests()
    {
        var start = Readme.IndexOf("## The two commands", StringComparison.Ordinal);
        var block = Readme[Readme.IndexOf("```sh", start, StringComparison.Ordinal)..];
        block = block[..block.IndexOf("```", 5, StringComparison.Ordinal)];

        var commands = block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("```", StringComparison.Ordinal)).ToList();

        // DemoScriptTests runs the first in a clean clone; .ci/run runs the second.
        Assert.That(commands, Is.EqualTo(new[] { "./run.sh", "./test.sh" }));
        Assert.That(File.ReadAllText(Path.Combine(RepoRoot.Path, ".ci", "run")), Does.Contain("./test.sh"));
    }
}
