namespace TicketWorker.Storage;

/// <summary>A raw message is larger than <see cref="StorageOptions.MaxMessageSize"/>; nothing was stored.</summary>
public sealed class MessageTooLargeException : Exception
{
    /// <summary>Creates the exception for the configured limit.</summary>
    public MessageTooLargeException(long maxMessageSize)
        : base($"The message is larger than the maximum message size of {maxMessageSize} bytes.")
    {
        MaxMessageSize = maxMessageSize;
    }

    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long MaxMessageSize { get; }
}
