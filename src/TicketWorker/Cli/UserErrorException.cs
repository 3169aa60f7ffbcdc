namespace TicketWorker.Cli;

/// <summary>A mistake the user can fix (bad input file, unknown ticket, unreachable database): one line, exit code 1.</summary>
public sealed class UserErrorException(string message, Exception? inner = null) : Exception(message, inner);
