using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Digest;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>
/// <c>ticketworker digest [--to ADDR]… [--date YYYY-MM-DD]</c>: queues a day's digest in the outbox now,
/// under the same key as the daily job, so a day's digest reaches each recipient once either way.
/// </summary>
public static class DigestCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var to = new Option<string[]>("--to")
        {
            Description = "recipient (repeat for more); default: digest.to of rules.yaml",
            AllowMultipleArgumentsPerToken = false,
        };
        var date = new Option<string?>("--date") { Description = "the day to report on, YYYY-MM-DD (default: yesterday in the business time zone)" };
        var command = new Command("digest",
            "queue the daily report mail (new, answered, closed, percentiles, breaches, backlog, chart) in the outbox now; " +
            "the outbox of the running worker (ticketworker run) sends it within seconds. " +
            "A day's digest goes to each recipient once: asking again for the same day and recipient queues nothing.")
        {
            to, date,
        };
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            DateOnly? day = null;
            if (parse.GetValue(date) is { } text)
            {
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                    throw new UserErrorException($"--date '{text}' is not a date (write YYYY-MM-DD, e.g. 2026-12-01)");
                day = parsed;
            }

            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var policy = host.Services.GetRequiredService<PolicyHolder>().Current;
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, DigestSchedule.TimeZone(policy)).DateTime);
            if (day > today) throw new UserErrorException($"--date {day:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd} in {DigestSchedule.TimeZone(policy).Id})");
            var reportDay = day ?? today.AddDays(-1);

            var recipients = (parse.GetValue(to) is { Length: > 0 } given ? given : policy.Digest?.To.ToArray() ?? [])
                .Select(r => r.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (recipients.Length == 0) throw new UserErrorException("no recipient: give --to ADDR or set digest: { to: [...] } in rules.yaml");
            if (recipients.FirstOrDefault(r => !Mail.Writing.OutgoingAddress.IsWritable(r)) is { } bad)
                throw new UserErrorException($"'{bad}' is not an email address the digest can be sent to");
            var sender = host.Services.GetRequiredService<DigestSender>();
            IReadOnlyList<OutboxEnqueueResult> results;
            try
            {
                results = await sender.QueueAsync(reportDay, recipients, ct);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new UserErrorException(e.Message, e);
            }

            foreach (var (recipient, result) in recipients.Zip(results))
            {
                await output.WriteLineAsync(result.Created
                    ? $"digest of {reportDay:yyyy-MM-dd} queued for {recipient} (outbox row {result.Item.Id}); the running worker sends it"
                    : $"digest of {reportDay:yyyy-MM-dd} for {recipient} was already queued (outbox row {result.Item.Id}, {result.Item.Status.ToString().ToLowerInvariant()}); nothing new queued");
            }
            return CliApp.Ok;
        }));
        return command;
    }
}
