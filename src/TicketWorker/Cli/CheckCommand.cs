using System.CommandLine;
using TicketWorker.Configuration;
using TicketWorker.Replies;
using TicketWorker.Rules;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker check</c>: validates appsettings, rules and templates; one <c>file:line:col: message</c> per error.</summary>
public static class CheckCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var command = new Command("check", "validate appsettings.json, rules.yaml and templates");
        CommandHelp.Examples(command, "ticketworker check", "ticketworker check --config /etc/ticketworker && systemctl restart ticketworker");
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(CliApp.ConfigOption)!;
            return await CliApp.Guard(errors, async () =>
            {
                var problems = Check(dir);
                foreach (var p in problems) await errors.WriteLineAsync(p.ToString());
                if (problems.Count > 0) return CliApp.UserError;
                await output.WriteLineAsync($"{dir}: configuration is valid");
                return CliApp.Ok;
            });
        });
        return command;
    }

    /// <summary>Every problem found; empty when the configuration is usable.</summary>
    public static IReadOnlyList<ConfigError> Check(string configDirectory)
    {
        var problems = new List<ConfigError>();
        LoadedSettings? settings = null;
        try { settings = AppSettingsLoader.Load(configDirectory); }
        catch (ConfigException e) { problems.AddRange(e.Errors); }
        var rulesPath = settings?.Resolve(settings.Options.RulesPath) ?? Path.Combine(configDirectory, "rules.yaml");
        try { PolicyLoader.Load(rulesPath); }
        catch (ConfigException e) { problems.AddRange(e.Errors); }
        var templatesPath = settings?.Resolve(settings.Options.TemplatesPath)
            ?? Path.GetFullPath(Path.Combine(configDirectory, new TicketWorkerOptions().TemplatesPath));
        problems.AddRange(TemplateValidator.Validate(templatesPath, settings?.Options.DefaultLanguage ?? "en"));
        return problems;
    }
}
