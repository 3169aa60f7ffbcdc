using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>A ticket as <c>tickets list --json</c> prints it (PRODUCT.md "Interfaces").</summary>
public record TicketView(
    long Number, string Subject, string Status, string Priority, string? Owner, string? Team,
    string Customer, string? CustomerName, string? Language, IReadOnlyList<string> Tags,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FirstResponseAt, DateTimeOffset? ClosedAt,
    int EscalationLevel, int MessageCount, EstimateView? Estimate)
{
    public static TicketView From(TicketRecord t, int messageCount) => new(
        t.Number, t.Subject, t.Status.ToString().ToLowerInvariant(), t.Priority, t.Owner, t.Team,
        t.CustomerAddress, t.CustomerName, t.Language, t.Tags,
        t.CreatedAt, t.UpdatedAt, t.FirstResponseAt, t.ClosedAt, t.EscalationLevel, messageCount,
        t.EstimateDueAt is { } due ? new EstimateView(due, t.EstimateSource ?? "", t.EstimateSamples ?? 0) : null);
}

/// <summary>The resolution time promised in the acknowledgement and where it came from.</summary>
public sealed record EstimateView(DateTimeOffset DueAt, string Source, int Samples);

/// <summary>A ticket with its messages, as <c>tickets show --json</c> prints it.</summary>
public sealed record TicketDetailsView(
    long Number, string Subject, string Status, string Priority, string? Owner, string? Team,
    string Customer, string? CustomerName, string? Language, IReadOnlyList<string> Tags,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FirstResponseAt, DateTimeOffset? ClosedAt,
    int EscalationLevel, int MessageCount, EstimateView? Estimate, long? PreviousTicket,
    IReadOnlyList<string> Participants, IReadOnlyList<RuleDecisionView> RuleDecisions, IReadOnlyList<MessageView> Messages)
{
    /// <param name="agentChecks">Message-ID → how a mail claiming an agent's From was checked (<c>agentCheck</c> of its message).</param>
    public static TicketDetailsView From(TicketDetails d, IReadOnlyList<RuleDecisionRecord> decisions, long? previousTicketNumber,
        IReadOnlyDictionary<string, string>? agentChecks = null)
    {
        var t = TicketView.From(d.Ticket, d.Messages.Count);
        return new TicketDetailsView(t.Number, t.Subject, t.Status, t.Priority, t.Owner, t.Team, t.Customer, t.CustomerName,
            t.Language, t.Tags, t.CreatedAt, t.UpdatedAt, t.FirstResponseAt, t.ClosedAt, t.EscalationLevel, t.MessageCount, t.Estimate,
            previousTicketNumber,
            d.Participants.Select(p => p.Address).ToList(),
            decisions.Select(r => new RuleDecisionView(r.RuleName, r.Action)).ToList(),
            d.Messages.Select(m => MessageView.Of(m) with { AgentCheck = agentChecks?.GetValueOrDefault(m.MessageId) }).ToList());
    }
}

public sealed record RuleDecisionView(string Rule, string Action);

/// <summary>One message of a ticket: <c>text</c> is the full text, <c>newText</c> what its writer added (quotes and signature left out).</summary>
public sealed record MessageView(
    string MessageId, string Direction, string Kind, string From, string? FromName, IReadOnlyList<string> To, IReadOnlyList<string> Cc,
    string? Subject, DateTimeOffset? Date, string? Text, string? NewText, string? Status, IReadOnlyList<AttachmentView> Attachments)
{
    /// <summary>For mail claiming an agent's From: the check that passed (token, dkim, …) or "failed: why"; null otherwise.</summary>
    public string? AgentCheck { get; init; }

    public static MessageView Of(MessageRecord m) => new(
        m.MessageId, m.Direction.ToString().ToLowerInvariant(), m.Kind, m.From, m.FromName, m.To, m.Cc, m.Subject, m.Date ?? m.ReceivedAt,
        m.Text, m.NewText, m.Status?.ToString().ToLowerInvariant(), m.Attachments.Select(a => new AttachmentView(a.FileName, a.ContentType, a.Size)).ToList());
}

public sealed record AttachmentView(string? FileName, string ContentType, long Size);
