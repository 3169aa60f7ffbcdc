using Microsoft.Extensions.Logging;
using TicketWorker.Classification;
using TicketWorker.Intake;
using TicketWorker.Mail.Reading;
using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Agents;

/// <summary>
/// What a stored follow-up does to its ticket beyond being stored (issue 13; PRODUCT.md "The job" 7).
/// Mail from a configured agent is first checked by <see cref="IAgentVerifier"/>: unverified, it is a
/// customer's follow-up (commands ignored, a warning logged). Verified, its command lines are applied
/// all or nothing (an unknown command or argument gets the agent an explanation and changes nothing),
/// <c>#note</c> goes to the other team members only, other text is relayed to the customer
/// (<see cref="AgentRelay"/>), and a reply-all that already reached the customer is only recorded.
/// An answer records the first response and, where configured, sets the ticket pending; a customer's
/// reply on a pending ticket opens it again. Runs inside the ticket's transaction, after the message
/// was stored; every status, priority or owner change is reported to the <see cref="Escalation.SlaClock"/>.
/// </summary>
public sealed partial class AgentMail(
    IngestContext context, ITicketStore tickets, ISettingsStore settingsStore, StorageDatabase database, IAgentVerifier verifier,
    AgentRelay relay, AgentNotices notices, Notifier notifier, Escalation.SlaClock slaClock, TimeProvider time, ILogger<AgentMail> logger)
{
    private readonly AgentMessageRows _rows = new(database);

    /// <summary>Handles one stored inbound message of <paramref name="ticket"/>; new tickets and automatic mail are left alone.</summary>
    public async Task<AgentMailOutcome> HandleAsync(IStorageTransaction tx, TicketRecord ticket, InboundMessage inbound, ThreadDecision decision,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Action != ThreadAction.Append) return AgentMailOutcome.None("not a follow-up");
        var kind = inbound.Classification.Kind;
        if (kind is not (MessageKind.Customer or MessageKind.Agent)) return AgentMailOutcome.None(kind.ToName() + " mail");
        // Read again: the writer may have changed the ticket in this transaction (reopened it, touched it).
        var current = await tickets.FindTicketByIdAsync(tx, ticket.Id, cancellationToken).ConfigureAwait(false) ?? ticket;
        var now = time.GetUtcNow();
        if (kind == MessageKind.Customer) return await CustomerReplyAsync(tx, current, now, cancellationToken).ConfigureAwait(false);

        var policy = context.Policy;
        var agent = policy.FindAgent(inbound.Message.From.FirstOrDefault()?.Address);
        if (agent is null) return AgentMailOutcome.None("the sender is no longer an agent");
        var stored = await tickets.FindMessageByMessageIdAsync(tx, inbound.MessageId, cancellationToken).ConfigureAwait(false);
        if (stored is null) return AgentMailOutcome.None("the message is not stored");
        var newText = stored.NewText ?? inbound.NewText;

        var key = await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false);
        var verdict = await verifier.VerifyAsync(new AgentClaim(agent, inbound.Message, inbound.Raw, current.Number, context.MailboxAddresses, new ReplyToken(key)),
            cancellationToken).ConfigureAwait(false);
        if (!verdict.Verified)
        {
            // Handled as a customer's follow-up: stored, the owner notified, commands never read. It changes
            // nothing on the ticket either: not even a pending ticket opens, as it is not the customer writing.
            Log.Unverified(logger, agent.Email, current.Number, verdict.How);
            await _rows.SetKindAsync(tx, stored.Id, MessageKind.Customer.ToName(), newText, "failed: " + verdict.How, cancellationToken).ConfigureAwait(false);
            await notifier.NotifyAsync(tx, current, inbound, followUp: true, cancellationToken, unverifiedAgent: true).ConfigureAwait(false);
            return new AgentMailOutcome("unverified", verdict.How);
        }

        if (IsReplyAll(inbound.Message, policy))
        {
            // The customer has it from the agent already: recorded as the answer, never sent again, no commands
            // (the customer saw every line, so none is taken as an instruction).
            await _rows.SetKindAsync(tx, stored.Id, "agent", newText, verdict.How, cancellationToken).ConfigureAwait(false);
            await ChangeAsync(tx, current, Answered(current, null, now, policy), now, cancellationToken).ConfigureAwait(false);
            Log.ReplyAll(logger, current.Number, agent.Email);
            return new AgentMailOutcome("reply-all", "the customer was addressed directly: recorded, not sent again");
        }

        // Mail that was in the mailbox before the first start is history: its commands still apply (the
        // ticket ends as it was left), but nobody is mailed again, least of all the customer.
        var history = inbound.Source.IsHistory;
        var commands = AgentCommandParser.Parse(newText, policy);
        if (commands.Errors.Count > 0)
        {
            await _rows.SetKindAsync(tx, stored.Id, "note", newText, verdict.How, cancellationToken).ConfigureAwait(false);
            if (!history)
                await ToWriterAsync(tx, current, agent, inbound, stored.Id, string.Join("\n", commands.Errors.Select(e => "- " + e)), now, cancellationToken).ConfigureAwait(false);
            Log.Refused(logger, current.Number, agent.Email, commands.Errors.Count);
            return new AgentMailOutcome("refused", string.Join("; ", commands.Errors));
        }

        var after = Apply(current, commands, policy);
        AgentMailOutcome outcome;
        if (commands.IsNote)
        {
            await _rows.SetKindAsync(tx, stored.Id, "note", commands.Text, verdict.How, cancellationToken).ConfigureAwait(false);
            var told = history ? 0 : await NoteToTeamAsync(tx, after, agent, inbound, stored.Id, commands.Text, now, cancellationToken).ConfigureAwait(false);
            outcome = new AgentMailOutcome("note", $"internal note mailed to {told} team member(s)");
        }
        else if (commands.Text.Length > 0)
        {
            await _rows.SetKindAsync(tx, stored.Id, "agent", commands.Text, verdict.How, cancellationToken).ConfigureAwait(false);
            var relayed = history ? null : await relay.RelayAsync(tx, after, agent, inbound, stored.Id, commands.Text, cancellationToken).ConfigureAwait(false);
            if (relayed is not null || history) after = Answered(after, commands.Status, now, policy);
            outcome = history ? new AgentMailOutcome("history", "an answer from before the first start: recorded, not sent")
                : new AgentMailOutcome("relayed", relayed is null ? "not relayed (see the log)" : "answer queued to the customer", relayed);
        }
        else
        {
            // Only commands: kept on the ticket as an internal record of what the agent did.
            await _rows.SetKindAsync(tx, stored.Id, "note", newText, verdict.How, cancellationToken).ConfigureAwait(false);
            outcome = new AgentMailOutcome("commands", $"{commands.Commands.Count} command(s) applied");
        }

        await ChangeAsync(tx, current, after, now, cancellationToken).ConfigureAwait(false);
        if (!history && !string.Equals(after.Owner, current.Owner, StringComparison.OrdinalIgnoreCase) || !string.Equals(after.Team, current.Team, StringComparison.OrdinalIgnoreCase))
            await notifier.NotifyAssignmentAsync(tx, after, agent, inbound.MessageId, inbound.Source.Mailbox, cancellationToken).ConfigureAwait(false);
        Log.Handled(logger, current.Number, agent.Email, outcome.Action, commands.Commands.Count);
        return outcome;
    }

    /// <summary>The ticket after the commands (status, priority, owner or team, tags); nothing saved yet.</summary>
    public static TicketRecord Apply(TicketRecord ticket, AgentCommands commands, SupportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(policy);
        var after = ticket;
        foreach (var c in commands.Commands)
        {
            after = c.Kind switch
            {
                AgentCommandKind.Close => after with { Status = TicketStatus.Closed },
                AgentCommandKind.Pending => after with { Status = TicketStatus.Pending },
                AgentCommandKind.Open => after with { Status = TicketStatus.Open },
                AgentCommandKind.Priority => after with { Priority = c.Argument! },
                AgentCommandKind.Tag when !after.Tags.Contains(c.Argument!, StringComparer.OrdinalIgnoreCase) => after with { Tags = [.. after.Tags, c.Argument!] },
                // A team: its fixed owner if it has one, else nobody (the team's members are notified and one takes it).
                AgentCommandKind.Assign when c.AssignsTeam => after with { Team = c.Argument, Owner = policy.FindTeam(c.Argument)?.Owner },
                AgentCommandKind.Assign => after with
                {
                    Owner = c.Argument,
                    // The ticket follows the agent into one of their teams when its team is not one of them.
                    Team = policy.FindAgent(c.Argument) is { Teams.Count: > 0 } a && !a.Teams.Contains(after.Team ?? "", StringComparer.OrdinalIgnoreCase)
                        ? a.Teams[0] : after.Team,
                },
                _ => after,
            };
        }
        return after;
    }

    /// <summary>An answer reached the customer: first response recorded once, pending on the customer where configured (a status command wins).</summary>
    public static TicketRecord Answered(TicketRecord ticket, TicketStatus? commanded, DateTimeOffset now, SupportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(policy);
        var answered = ticket with { FirstResponseAt = ticket.FirstResponseAt ?? now };
        return commanded is null && policy.AgentMail.PendingOnReply && answered.Status == TicketStatus.Open
            ? answered with { Status = TicketStatus.Pending }
            : answered;
    }

    /// <summary>True when the agent wrote to someone outside (the customer) directly, with our mailbox only copied.</summary>
    public bool IsReplyAll(ReadMessage message, SupportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(policy);
        return message.To.Concat(message.Cc).Any(a => a.Address.Contains('@') && !context.IsOurs(a.Address) && policy.FindAgent(a.Address) is null);
    }

    private async Task<AgentMailOutcome> CustomerReplyAsync(IStorageTransaction tx, TicketRecord current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (current.Status != TicketStatus.Pending) return AgentMailOutcome.None("customer follow-up");
        await ChangeAsync(tx, current, current with { Status = TicketStatus.Open }, now, cancellationToken).ConfigureAwait(false);
        return new AgentMailOutcome("reopened", "the customer answered a pending ticket");
    }

    /// <summary>Saves <paramref name="after"/> when it differs and tells the SLA clock.</summary>
    private async Task ChangeAsync(IStorageTransaction tx, TicketRecord before, TicketRecord after, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (after.Status == before.Status && after.Priority == before.Priority && after.Owner == before.Owner && after.Team == before.Team
            && after.FirstResponseAt == before.FirstResponseAt && after.Tags.SequenceEqual(before.Tags))
            return;
        var closedAt = after.Status != TicketStatus.Closed ? null : before.Status == TicketStatus.Closed ? before.ClosedAt : now;
        after = after with { UpdatedAt = now, ClosedAt = closedAt };
        await tickets.UpdateTicketAsync(tx, after, cancellationToken).ConfigureAwait(false);
        await slaClock.TicketChangedAsync(tx, before, after, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The note to the ticket's team members and owner who are not away, the writer left out; returns how many.</summary>
    private async Task<int> NoteToTeamAsync(IStorageTransaction tx, TicketRecord ticket, Agent writer, InboundMessage inbound, long messageRowId, string note,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policy = context.Policy;
        var today = policy.BusinessHours.Default?.Today(now) ?? DateOnly.FromDateTime(now.UtcDateTime);
        var members = (policy.FindTeam(ticket.Team)?.Members ?? []).Append(ticket.Owner ?? "")
            .Select(policy.FindAgent).OfType<Agent>()
            .Where(a => !a.IsAwayOn(today) && !string.Equals(a.Email, writer.Email, StringComparison.OrdinalIgnoreCase)
                && Mail.Writing.OutgoingAddress.IsWritable(a.Email))
            .DistinctBy(a => a.Email, StringComparer.OrdinalIgnoreCase).ToList();
        var count = 0;
        foreach (var member in members)
        {
            var content = notices.Note(Model(ticket, writer, note), member.Language);
            if (await QueueAsync(tx, ticket, member, inbound, FormattableString.Invariant($"note:{messageRowId}:{member.Email.ToLowerInvariant()}"), content,
                "auto-generated", now, cancellationToken).ConfigureAwait(false))
                count++;
        }
        return count;
    }

    /// <summary>Tells the writer their commands were not understood (and that nothing changed).</summary>
    private async Task ToWriterAsync(IStorageTransaction tx, TicketRecord ticket, Agent writer, InboundMessage inbound, long messageRowId, string problems,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!Mail.Writing.OutgoingAddress.IsWritable(writer.Email)) return;
        var content = notices.CommandError(Model(ticket, writer, problems), writer.Language);
        await QueueAsync(tx, ticket, writer, inbound, FormattableString.Invariant($"agent-error:{messageRowId}"), content, "auto-replied", now, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<bool> QueueAsync(IStorageTransaction tx, TicketRecord ticket, Agent to, InboundMessage inbound, string key, AckContent content,
        string autoSubmitted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var mailbox = context.SendingMailbox(inbound.Source.Mailbox);
        if (mailbox is null) return false;
        var tokens = new ReplyToken(await settingsStore.GetReplyTokenKeyAsync(tx, cancellationToken).ConfigureAwait(false));
        var from = mailbox.SmtpFrom ?? mailbox.Address;
        return await notifier.QueueToAgentAsync(tx, new Notifier.AgentNoticeMail(ticket.Id, ticket.Number, key, from,
            tokens.AddressForAgent(mailbox.Address, ticket.Number, to.Email), mailbox.Name, now) { AutoSubmitted = autoSubmitted },
            to, content, [], cancellationToken).ConfigureAwait(false);
    }

    private ReplyModel Model(TicketRecord ticket, Agent writer, string body) => new()
    {
        TicketNumber = ticket.Number,
        TicketTag = context.SubjectTag.Format(ticket.Number),
        Subject = ticket.Subject,
        CustomerName = ticket.CustomerName ?? "",
        CustomerEmail = ticket.CustomerAddress,
        AgentName = writer.Name,
        AgentEmail = writer.Email,
        Body = body,
        Status = ticket.Status.ToString().ToLowerInvariant(),
        Priority = ticket.Priority,
        Team = ticket.Team,
        Owner = ticket.Owner,
        CreatedAt = ticket.CreatedAt,
        Due = ticket.EstimateDueAt,
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Mail from agent address {Agent} on ticket {Ticket} failed the agent check ({Why}): handled as customer mail, commands ignored")]
        public static partial void Unverified(ILogger logger, string agent, long ticket, string why);

        [LoggerMessage(2, LogLevel.Information, "Reply-all by {Agent} on ticket {Ticket} recorded as the answer; not sent again")]
        public static partial void ReplyAll(ILogger logger, long ticket, string agent);

        [LoggerMessage(3, LogLevel.Information, "Mail by {Agent} on ticket {Ticket} has {Errors} command error(s): nothing changed, the agent is told")]
        public static partial void Refused(ILogger logger, long ticket, string agent, int errors);

        [LoggerMessage(4, LogLevel.Information, "Mail by {Agent} on ticket {Ticket}: {Action} with {Commands} command(s)")]
        public static partial void Handled(ILogger logger, long ticket, string agent, string action, int commands);
    }
}
