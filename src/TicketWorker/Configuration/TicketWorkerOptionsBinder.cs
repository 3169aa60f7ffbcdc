using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace TicketWorker.Configuration;

/// <summary>
/// Binds the <c>TicketWorker</c> section into <see cref="TicketWorkerOptions"/>. The framework's
/// binder names neither the file nor the line of a value of the wrong type; this one does.
/// </summary>
public sealed partial class TicketWorkerOptionsBinder(IConfiguration configuration, ConfigFolder folder) : IConfigureOptions<TicketWorkerOptions>
{
    public void Configure(TicketWorkerOptions options)
    {
        try
        {
            configuration.GetSection(AppSettingsLoader.Section).Bind(options);
            // The framework's binder skips a list element it cannot bind without a word: a mailbox
            // with a typo in one value would simply not be read. Bind each one alone to say which value.
            var mailboxes = configuration.GetSection(AppSettingsLoader.Section + ":Mailboxes").GetChildren().ToList();
            if (options.Mailboxes.Count < mailboxes.Count)
                foreach (var mailbox in mailboxes) mailbox.Get<MailboxOptions>();
        }
        catch (InvalidOperationException e)
        {
            var key = BindingKey().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : AppSettingsLoader.Section;
            throw new ConfigException(folder.ErrorAt(key, $"{key}: cannot use '{configuration[key]}' here ({TypeHint(e.Message)})"));
        }
    }

    private static string TypeHint(string message) =>
        message.Contains("TimeSpan", StringComparison.Ordinal) ? "expected a duration like 00:05:00 or 7.00:00:00"
        : message.Contains("Int", StringComparison.Ordinal) ? "expected a whole number"
        : message.Contains("Boolean", StringComparison.Ordinal) ? "expected true or false"
        : "wrong type";

    [GeneratedRegex(@"configuration value (?:'[^']*' )?at '([^']+)'")]
    private static partial Regex BindingKey();
}
