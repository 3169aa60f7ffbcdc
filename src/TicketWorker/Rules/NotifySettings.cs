namespace TicketWorker.Rules;

/// <summary>The <c>notify:</c> section: which customer mail is sent on to the owner or the team.</summary>
/// <param name="NewTicket">A new ticket from a customer notifies the owner, or the team when unassigned.</param>
/// <param name="FollowUp">A customer's further mail on a ticket does the same.</param>
public sealed record NotifySettings(bool NewTicket, bool FollowUp)
{
    public static NotifySettings Default { get; } = new(true, true);
}
