namespace TicketWorker.Rules;

/// <summary>How a team picks the owner of a new ticket (<c>assign:</c>).</summary>
public enum AssignMode
{
    /// <summary>Always the team's <c>owner</c>.</summary>
    Fixed,
    /// <summary>Members in turn; the position is stored, so it survives restarts.</summary>
    RoundRobin,
    /// <summary>The member holding the fewest tickets that are not closed (ties: order in the team).</summary>
    LeastOpen,
}
