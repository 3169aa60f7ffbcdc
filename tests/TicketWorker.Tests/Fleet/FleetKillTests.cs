using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using TicketWorker.Digest;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Fleet;

/// <summary>
/// Issue 14, "several workers on PostgreSQL": two real worker processes on one PostgreSQL database and
/// one support mailbox; the one holding the mailbox's lease is killed with SIGKILL during intake, the
/// other takes over, the killed one is started again. Mail arrives by SMTP meanwhile (new requests and
/// customers' replies), escalation levels fall due within a minute (24/7 calendar, one-minute targets,
/// a scan every 2 s) and the digest is due during the run (rules.yaml <c>digest.at</c>). Checked over
/// IMAP and in the database: every mail in exactly one ticket, one acknowledgement per ticket, each
/// escalation level of each ticket fired once (table and notification mails), the digest once per
/// recipient. The seed (printed; TICKETWORKER_FLEET_SEED repeats it) sets the customers, the replies,
/// the pacing and the moment of the kill.
/// </summary>
[NonParallelizable]
public partial class FleetKillTests
{
    private const int Requests = 200;
    private const int Replies = 40;
    private const int Customers = 20;
    private static readonly string[] AgentUsers = ["agent1", "agent2", "lead"];
    private static readonly string[] DigestUsers = ["lead", "sales"];

    private static string Customer(int n) => $"customer{n}";

    /// <summary>
    /// Support policy for the run: every hour open (UTC), first response and resolution due one minute
    /// after creation, level 1 on the first-response breach (notify the owner, tag), level 2 on the
    /// resolution breach (notify owner and lead, raise priority, reassign to the lead, tag), the scan
    /// every 2 s, the digest at <paramref name="digestAt"/> (UTC).
    /// </summary>
    private static string Rules(TimeOnly digestAt) => $$"""
        agents:
          - email: agent1@example.test
            name: Agent One
            teams: [support]
          - email: agent2@example.test
            name: Agent Two
            teams: [support]
          - email: lead@example.test
            name: Team Lead
        teams:
          support:
            members: [agent1@example.test, agent2@example.test]
            assign: round_robin
            lead: lead@example.test
        rules:
          - name: everything to support
            then:
              team: support
        sla:
          default: fleet
          policies:
            fleet:
              low:    { first_response: 1m, resolution: 1m }
              normal: { first_response: 1m, resolution: 1m }
              high:   { first_response: 1m, resolution: 1m }
              urgent: { first_response: 1m, resolution: 1m }
        business_hours:
          time_zone: UTC
          week: { mon: 00:00-24:00, tue: 00:00-24:00, wed: 00:00-24:00, thu: 00:00-24:00, fri: 00:00-24:00, sat: 00:00-24:00, sun: 00:00-24:00 }
        ack:
          enabled: true
          max_per_day: 1000
        notify: { new_ticket: false, follow_up: false }
        escalation:
          scan: "0/2 * * * * ?"
          levels:
            - after: 0m
              target: first_response
              notify: [owner]
              tag: overdue
            - after: 0m
              target: resolution
              notify: [owner, lead]
              raise_priority: true
              reassign: { agent: lead@example.test }
              tag: escalated
        digest:
          to: [lead@example.test, sales@example.test]
          at: "{{digestAt.ToString("HH:mm", CultureInfo.InvariantCulture)}}"

        """;

    /// <summary>What is sent, in order: every request, and replies each placed at least 30 requests after the one they answer.</summary>
    private static List<(bool IsReply, int Number, string Customer)> Plan(Random random)
    {
        var customers = Enumerable.Range(0, Requests).Select(_ => Customer(random.Next(1, Customers + 1))).ToArray();
        var items = Enumerable.Range(0, Requests).Select(i => (Key: (double)i, IsReply: false, Number: i)).ToList();
        foreach (var i in Enumerable.Range(0, Requests - 50).OrderBy(_ => random.Next()).Take(Replies))
            items.Add((i + 30 + random.NextDouble() * (Requests - i - 30), true, i));
        return items.OrderBy(x => x.Key).Select(x => (x.IsReply, x.Number, customers[x.Number])).ToList();
    }

    [Test]
    [CancelAfter(480_000)]
    public async Task TwoWorkersOnePostgresOneKilledDuringIntakeEveryMailTicketedAckedEscalatedAndDigestedOnce(CancellationToken cancellationToken)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TICKETWORKER_FLEET_SEED"), out var given) ? given : TestContext.CurrentContext.Random.Next();
        var random = new Random(seed);
        TestContext.Progress.WriteLine($"fleet test seed {seed} (TICKETWORKER_FLEET_SEED={seed} repeats the same plan and kill point)");
        var stack = FleetStack.Stack;
        foreach (var user in new[] { "support", "sales" }.Concat(AgentUsers).Concat(Enumerable.Range(1, Customers).Select(Customer)).Distinct())
            await stack.EmptyInboxAsync(user, cancellationToken);

        await using var db = await FleetDatabase.CreateAsync(cancellationToken);
        // The digest at the first whole minute at least 50 s ahead: it falls due during the run, after the kill.
        var now = DateTimeOffset.UtcNow;
        var digestAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        while (digestAt < now.AddSeconds(50)) digestAt = digestAt.AddMinutes(1);
        var rules = Rules(TimeOnly.FromDateTime(digestAt.UtcDateTime));
        using var a = new FleetWorker("A", stack, db.ConnectionString, rules);
        using var b = new FleetWorker("B", stack, db.ConnectionString, rules);
        var clock = Stopwatch.StartNew();
        void Say(string text) => TestContext.Progress.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s: {text}");

        a.Start();
        b.Start();
        var first = await WaitForLeaseHolderAsync(db, [a, b], null, cancellationToken);
        Say($"both started; {first.Name} holds the mailbox lease; digest due at {digestAt:HH:mm:ss}Z");
        // The schedule is put into Quartz at start: a digest time already past would only fire tomorrow.
        Assert.That(DateTimeOffset.UtcNow, Is.LessThan(digestAt.AddSeconds(-2)), "the workers started after the digest time (a very slow machine): run again");

        var plan = Plan(random);
        var killAt = random.Next(Requests / 5, Requests / 2);
        var killDelayMs = random.Next(0, 30);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sender = SendAsync(stack, db, plan, random.Next(), sending.Token);

        // The kill: once killAt tickets exist, whoever holds the lease then (it is ingesting: mail keeps coming).
        await WaitForAsync(db, Tickets, n => n >= killAt, cancellationToken, 5, sender);
        await Task.Delay(killDelayMs, cancellationToken);
        var holder = await LeaseHolderAsync(db, [a, b], cancellationToken) ?? throw new AssertionException("nobody holds the mailbox lease during intake");
        holder.Kill();
        var killedAt = clock.Elapsed;
        var survivor = holder == a ? b : a;
        Say($"SIGKILL {holder.Name} (lease holder) at >= {killAt} tickets + {killDelayMs} ms: {await db.ScalarAsync(Tickets, cancellationToken)} tickets, " +
            $"{await db.ScalarAsync(SentAcks, cancellationToken)} acks sent, checkpoint uid {await db.ScalarAsync("SELECT COALESCE(MAX(last_uid), 0) FROM mailbox_checkpoints", cancellationToken)}");

        await WaitForLeaseHolderAsync(db, [survivor], sender, cancellationToken);
        var takeover = clock.Elapsed - killedAt;
        Say($"{survivor.Name} took the lease over after {takeover.TotalSeconds:F1} s; {holder.Name} started again");
        holder.Start();

        await sender;
        Say($"all {plan.Count} mails sent ({Requests} requests, {Replies} replies)");
        await WaitForAsync(db, Tickets, n => n >= Requests, cancellationToken, 100);
        await WaitForAsync(db, "SELECT COUNT(*) FROM messages WHERE direction = 'inbound'", n => n >= Requests + Replies, cancellationToken, 100);
        Say("every mail stored");
        await WaitForAsync(db, "SELECT COUNT(*) FROM escalations", n => n >= 2 * Requests, cancellationToken, 200);
        Say("every escalation level fired");
        await WaitForAsync(db, $"SELECT COUNT(*) FROM outbox WHERE kind = '{DigestSender.Kind}'", n => n >= DigestUsers.Length, cancellationToken, 200);
        Say("digest queued");
        await WaitForAsync(db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'", n => n == 0, cancellationToken, 200);
        Say($"outbox empty: {await db.ScalarAsync("SELECT COUNT(*) FROM outbox", cancellationToken)} mails sent");

        // The killed worker's scheduler instance was found failed and removed by the cluster; the two running remain.
        var instances = await db.RowsAsync("SELECT instance_name FROM qrtz_scheduler_state", cancellationToken);
        Say($"Quartz instances checked in: {string.Join(", ", instances.Select(i => i[0]))}");
        Assert.That(instances, Has.Count.EqualTo(2), "Quartz instances: the two running workers, the killed one recovered");

        Assert.Multiple(() =>
        {
            Assert.That(a.Terminate(TimeSpan.FromSeconds(30)), Is.True, "A stops on SIGTERM");
            Assert.That(b.Terminate(TimeSpan.FromSeconds(30)), Is.True, "B stops on SIGTERM");
        });

        await AssertDatabaseAsync(db, plan, cancellationToken);
        var resends = await AssertMailboxesAsync(stack, db, cancellationToken);
        var byWorker = await db.RowsAsync("SELECT worker, COUNT(*) FROM escalations GROUP BY worker ORDER BY worker", cancellationToken);
        Say($"done. takeover {takeover.TotalSeconds:F1} s; identical resends {resends}; escalation levels fired per worker: " +
            string.Join(", ", byWorker.Select(r => $"{r[0]}={r[1]}")));
        var windows = a.CommitWindowsMs.Concat(b.CommitWindowsMs).Order().ToList();
        if (windows.Count > 0)
            Say($"send windows (server's 250 to the commit of sent; a kill inside one resends that mail), {windows.Count} mails: " +
                $"p50 {Rank(windows, 50):F1} ms, p99 {Rank(windows, 99):F1} ms, max {windows[^1]:F1} ms, {windows.Sum() / 1000:F1} s in all over {clock.Elapsed.TotalSeconds:F0} s");
        Assert.That(resends, Is.LessThanOrEqualTo(1), "identical resends (PRODUCT.md allows one per kill: a kill between the SMTP server's 250 and our commit)");
    }

    private const string Tickets = "SELECT COUNT(*) FROM tickets";
    private const string SentAcks = "SELECT COUNT(*) FROM outbox WHERE kind = 'ack' AND status = 'sent'";

    /// <summary>Sends the plan by SMTP at a seeded pace; a reply waits until the request it answers is stored (so it threads by In-Reply-To).</summary>
    private static async Task SendAsync(PrivateMailStack stack, FleetDatabase db, List<(bool IsReply, int Number, string Customer)> plan, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(PrivateMailStack.Host, stack.SmtpPort, SecureSocketOptions.None, cancellationToken);
        foreach (var (isReply, number, customer) in plan)
        {
            if (isReply)
                while (await db.ScalarAsync($"SELECT COUNT(*) FROM messages WHERE message_id = '{FleetMail.RequestId(number)}'", cancellationToken) == 0)
                    await Task.Delay(100, cancellationToken);
            var raw = isReply ? FleetMail.Reply(number, customer) : FleetMail.Request(number, customer);
            using var message = await MimeMessage.LoadAsync(new MemoryStream(raw), cancellationToken);
            // As an MTA does: a temporary refusal (4xx) is tried again.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await smtp.SendAsync(message, MailboxAddress.Parse(MailStack.Address(customer)), [MailboxAddress.Parse("support@example.test")], cancellationToken);
                    break;
                }
                catch (SmtpCommandException e) when ((int)e.StatusCode / 100 == 4 && attempt < 20)
                {
                    TestContext.Progress.WriteLine($"        sender: {e.StatusCode} {e.Message}, trying again");
                    await Task.Delay(500, cancellationToken);
                }
            }
            if (++sent % 60 == 0) TestContext.Progress.WriteLine($"        sender: {sent} mails sent in {clock.Elapsed.TotalSeconds:F1} s");
            await Task.Delay(random.Next(0, 40), cancellationToken);
        }
        await smtp.DisconnectAsync(true, cancellationToken);
    }

    private static async Task<long> WaitForAsync(FleetDatabase db, string sql, Func<long, bool> done, CancellationToken cancellationToken, int pollMs, Task? sender = null)
    {
        while (true)
        {
            var count = await db.TryScalarAsync(sql, cancellationToken);
            if (done(count)) return count;
            if (sender is { IsFaulted: true }) await sender;
            await Task.Delay(pollMs, cancellationToken);
        }
    }

    /// <summary>The worker whose process holds the mailbox lease now (by the pid in the owner <c>host:pid:random</c>), or null.</summary>
    private static async Task<FleetWorker?> LeaseHolderAsync(FleetDatabase db, IReadOnlyList<FleetWorker> workers, CancellationToken cancellationToken)
    {
        List<string?[]> rows;
        try
        {
            rows = await db.RowsAsync("SELECT owner FROM mailbox_leases WHERE mailbox = 'support'", cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
        if (rows is not [[{ } owner]] || owner.Split(':') is not [_, var pid, _]) return null;
        return workers.FirstOrDefault(w => w.IsRunning && w.Pid.ToString(CultureInfo.InvariantCulture) == pid);
    }

    private static async Task<FleetWorker> WaitForLeaseHolderAsync(FleetDatabase db, IReadOnlyList<FleetWorker> workers, Task? sender, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await LeaseHolderAsync(db, workers, cancellationToken) is { } holder) return holder;
            foreach (var w in workers)
                if (!w.IsRunning) Assert.Fail($"worker {w.Name} exited with code {w.ExitCode}");
            if (sender is { IsFaulted: true }) await sender;
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Tickets, messages, acknowledgement rows, escalation records and the tickets' final state.</summary>
    private static async Task AssertDatabaseAsync(FleetDatabase db, List<(bool IsReply, int Number, string Customer)> plan, CancellationToken cancellationToken)
    {
        var messages = await db.RowsAsync(
            "SELECT m.message_id, t.subject, t.customer_address FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE m.direction = 'inbound'", cancellationToken);
        var byId = messages.GroupBy(m => m[0]!).ToDictionary(g => g.Key, g => g.ToList());
        var expected = plan.Select(p => (Id: p.IsReply ? FleetMail.ReplyId(p.Number) : FleetMail.RequestId(p.Number), Subject: $"fleet request {p.Number}", p.Customer)).ToList();
        var tickets = await db.RowsAsync("SELECT id, number, status, priority, owner, tags, escalation_level FROM tickets", cancellationToken);
        var ackRows = await db.RowsAsync("SELECT ticket_id, COUNT(*) FROM outbox WHERE kind = 'ack' GROUP BY ticket_id", cancellationToken);
        var levels = await db.RowsAsync("SELECT ticket_id, level FROM escalations ORDER BY ticket_id, level", cancellationToken);
        var notices = await db.RowsAsync("SELECT idempotency_key FROM outbox WHERE kind = 'escalation'", cancellationToken);
        var noticeLevels = notices.Select(n => n[0]!.Split(':')).Select(k => $"{k[1]}:{k[2]}").ToHashSet();

        Assert.Multiple(async () =>
        {
            Assert.That(expected.Where(e => !byId.ContainsKey(e.Id)).Select(e => e.Id), Is.Empty, "mails in no ticket");
            Assert.That(byId.Where(kv => kv.Value.Count > 1).Select(kv => kv.Key), Is.Empty, "mails stored twice");
            Assert.That(expected.Where(e => byId.TryGetValue(e.Id, out var m) && (m[0][1] != e.Subject || m[0][2] != MailStack.Address(e.Customer))).Select(e => e.Id),
                Is.Empty, "mails in another ticket than their request's");
            Assert.That(tickets, Has.Count.EqualTo(Requests), "tickets (one per request)");
            Assert.That(await db.ScalarAsync("SELECT COUNT(*) FROM quarantine", cancellationToken), Is.Zero, "quarantined");

            Assert.That(ackRows, Has.Count.EqualTo(Requests), "tickets with an ack row");
            Assert.That(ackRows.Where(r => r[1] != "1").Select(r => r[0]), Is.Empty, "tickets with more than one ack row");

            Assert.That(levels, Has.Count.EqualTo(2 * Requests), "escalation records (2 levels per ticket)");
            Assert.That(levels.GroupBy(l => l[0]).Where(g => !g.Select(l => l[1]).SequenceEqual(["1", "2"])).Select(g => g.Key), Is.Empty, "tickets without exactly levels 1 and 2");
            Assert.That(levels.Where(l => !noticeLevels.Contains($"{l[0]}:{l[1]}")).Select(l => $"{l[0]}:{l[1]}"), Is.Empty, "fired levels without a notification queued");

            // Level 2 raised normal to high, reassigned to the lead; both levels tagged.
            Assert.That(tickets.Where(t => t[2] != "open" || t[3] != "high" || t[4] != "lead@example.test" || t[6] != "2"
                                           || !t[5]!.Contains("overdue", StringComparison.Ordinal) || !t[5]!.Contains("escalated", StringComparison.Ordinal))
                .Select(t => $"#{t[1]} {t[2]} {t[3]} {t[4]} {t[5]} level {t[6]}"), Is.Empty, "tickets not escalated as the levels say");
        });
    }

    /// <summary>
    /// The customers', agents' and admins' INBOXes over IMAP: one distinct acknowledgement per ticket,
    /// every queued escalation notice once and nothing else, one digest per recipient. Returns the
    /// identical resends seen (same Message-ID delivered twice).
    /// </summary>
    private static async Task<int> AssertMailboxesAsync(PrivateMailStack stack, FleetDatabase db, CancellationToken cancellationToken)
    {
        var outbox = await db.RowsAsync("SELECT o.kind, o.message_id, o.recipients, t.number, o.idempotency_key FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id", cancellationToken);
        // Each sent row: (user, Message-ID) expected once in that user's INBOX.
        var expected = outbox.SelectMany(o => Users(o[2]!).Select(user => (Kind: o[0]!, Id: Id(o[1]), User: user, Number: o[3], Key: o[4]!))).ToList();
        var users = expected.Select(e => e.User).Distinct().ToList();

        // Postfix has accepted every mail; wait (bounded) until Dovecot has them all.
        Dictionary<string, List<HeaderList>> inboxes = [];
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            inboxes = [];
            foreach (var user in users) inboxes[user] = [.. await stack.InboxHeadersAsync(user, cancellationToken)];
            var present = inboxes.SelectMany(kv => kv.Value.Select(h => (kv.Key, Id(h[HeaderId.MessageId])))).ToHashSet();
            var missing = expected.Count(e => !present.Contains((e.User, e.Id)));
            if (missing == 0 || DateTime.UtcNow > until) break;
            TestContext.Progress.WriteLine($"waiting for {missing} mails in the INBOXes");
            await Task.Delay(1000, cancellationToken);
        }

        var copies = inboxes.SelectMany(kv => kv.Value.Select(h => (User: kv.Key, Id: Id(h[HeaderId.MessageId]), Subject: h[HeaderId.Subject] ?? "")))
            .GroupBy(m => (m.User, m.Id)).ToDictionary(g => g.Key, g => (Count: g.Count(), g.First().Subject));
        var resent = copies.Where(c => c.Value.Count > 1).ToList();
        foreach (var r in resent)
        {
            var row = expected.FirstOrDefault(e => e.User == r.Key.User && e.Id == r.Key.Id);
            TestContext.Progress.WriteLine($"identical resend: {r.Value.Count} copies of {row.Kind} {row.Key} ({r.Key.Id}) to {r.Key.User}");
        }

        // Per ticket and kind as the customer or agent sees it: the [#N] of the subject (and the level of an escalation).
        var acksPerTicket = copies.Where(c => c.Key.User.StartsWith("customer", StringComparison.Ordinal))
            .Select(c => Tag().Match(c.Value.Subject)).Where(m => m.Success).GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.Count());
        var escalationMails = copies.Where(c => AgentUsers.Contains(c.Key.User) && c.Value.Subject.StartsWith("Escalation level", StringComparison.Ordinal)).ToList();
        var noticesPerLevel = escalationMails.Select(c => (c.Key.User, Level: Level().Match(c.Value.Subject).Groups[1].Value, Ticket: Tag().Match(c.Value.Subject).Groups[1].Value))
            .GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var digests = expected.Where(e => e.Kind == DigestSender.Kind).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(expected.Where(e => !copies.ContainsKey((e.User, e.Id))).Select(e => $"{e.Kind} {e.Key} to {e.User}"), Is.Empty, "queued mails not in the recipient's INBOX");
            Assert.That(copies.Keys.Where(k => !expected.Any(e => e.User == k.User && e.Id == k.Id)).Select(k => $"{k.Id} to {k.User}"), Is.Empty, "mails in INBOXes that were never queued");

            Assert.That(acksPerTicket, Has.Count.EqualTo(Requests), "tickets with an acknowledgement in the customer's INBOX");
            Assert.That(acksPerTicket.Where(kv => kv.Value != 1).Select(kv => "#" + kv.Key), Is.Empty, "tickets with more than one distinct acknowledgement");

            Assert.That(escalationMails.Select(c => Level().Match(c.Value.Subject).Groups[1].Value).Distinct().Order(), Is.EqualTo(new[] { "1", "2" }), "escalation notices of both levels");
            Assert.That(escalationMails.Select(c => Tag().Match(c.Value.Subject).Groups[1].Value).Distinct().Count(), Is.EqualTo(Requests), "tickets with escalation notices");
            Assert.That(noticesPerLevel.Select(n => $"#{n.Ticket} level {n.Level} to {n.User}"), Is.Empty, "escalation notices of one level to one agent that differ");

            Assert.That(digests.Select(d => d.User).Order(), Is.EqualTo(DigestUsers), "one digest queued per recipient");
            Assert.That(digests.Select(d => d.Key.Split(':')[1]).Distinct().Count(), Is.EqualTo(1), "the digests are of one day");
        });
        return resent.Sum(r => r.Value.Count - 1);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Rank(List<double> sorted, int percent) => sorted[Math.Max(0, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1)];

    private static string Id(string? messageId) => (messageId ?? "").Trim().Trim('<', '>');

    /// <summary>The local parts of the recipients of an outbox row (a JSON list of addresses).</summary>
    private static IEnumerable<string> Users(string recipients) =>
        System.Text.Json.JsonSerializer.Deserialize<string[]>(recipients)!.Select(a => a[..a.IndexOf('@', StringComparison.Ordinal)].ToLowerInvariant());

    [GeneratedRegex(@"\[#(\d+)\]")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^Escalation level (\d+)")]
    private static partial Regex Level();
}
