using System.Globalization;

namespace TicketWorker.Bench;

/// <summary>The benchmarks' "--name value" options.</summary>
internal static class Options
{
    public static int Int(IReadOnlyList<string> args, string name, int fallback) =>
        Find(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static string String(IReadOnlyList<string> args, string name, string fallback) => Find(args, name) ?? fallback;

    public static string? Find(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i] == name) return args[i + 1];
        return null;
    }

    public static int EnvPort(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : fallback;
}
