namespace TicketWorker.Storage;

/// <summary>
/// The database cannot be used (bad connection string, unreachable server, failed migration).
/// The message is one line a command line can print as it is.
/// </summary>
public class StorageException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and the provider's exception.</summary>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
