namespace TicketWorker.Agents;

/// <summary>
/// The commands at the top of an agent's mail and the text after them (made by <see cref="AgentCommandParser"/>).
/// With any <see cref="Errors"/> the message changes nothing: all or nothing per message.
/// </summary>
/// <param name="Commands">The commands in the order written.</param>
/// <param name="Text">What follows the command lines (the answer, or the note's text with <c>#note</c>), trimmed.</param>
/// <param name="Errors">One line per command that is unknown or has a bad argument, for the reply to the agent.</param>
public sealed record AgentCommands(IReadOnlyList<AgentCommand> Commands, string Text, IReadOnlyList<string> Errors)
{
    public bool IsNote => Commands.Any(c => c.Kind == AgentCommandKind.Note);

    /// <summary>The status the commands set (the last status command), or null.</summary>
    public Storage.TicketStatus? Status => Commands.LastOrDefault(c => c.Kind is AgentCommandKind.Close or AgentCommandKind.Pending or AgentCommandKind.Open)?.Kind switch
    {
        AgentCommandKind.Close => Storage.TicketStatus.Closed,
        AgentCommandKind.Pending => Storage.TicketStatus.Pending,
        AgentCommandKind.Open => Storage.TicketStatus.Open,
        _ => null,
    };
}
