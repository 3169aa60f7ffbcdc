namespace TicketWorker.Mail.Protocol;

/// <summary>Which side sent a line that a <see cref="ProtocolLogHandler"/> receives.</summary>
public enum ProtocolDirection
{
    /// <summary>Sent by our client.</summary>
    Client,

    /// <summary>Received from the server.</summary>
    Server,
}
