namespace TicketWorker.Classification;

/// <summary>What a message is, for threading, replies and loop protection.</summary>
public enum MessageKind
{
    /// <summary>Written by a customer: tickets and acknowledgements.</summary>
    Customer,
    /// <summary>From a configured agent address (verified separately before commands count).</summary>
    Agent,
    /// <summary>Out-of-office and other automatic replies (RFC 3834): never answered.</summary>
    AutoReply,
    /// <summary>Delivery failure reports (RFC 3464 and non-standard bounces): never answered.</summary>
    Bounce,
    /// <summary>Mailing-list traffic (List-Id): ticketed, never answered automatically.</summary>
    List,
    /// <summary>Bulk or junk mail: kept, not ticketed.</summary>
    Bulk,
}

/// <summary>Names used in JSON output and the database.</summary>
public static class MessageKindNames
{
    public static string ToName(this MessageKind kind) => kind switch
    {
        MessageKind.Customer => "customer",
        MessageKind.Agent => "agent",
        MessageKind.AutoReply => "auto-reply",
        MessageKind.Bounce => "bounce",
        MessageKind.List => "list",
        MessageKind.Bulk => "bulk",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Automatic mail that must never get an automatic answer (RFC 3834 §2).</summary>
    public static bool NeverAnswer(this MessageKind kind) =>
        kind is MessageKind.AutoReply or MessageKind.Bounce or MessageKind.List or MessageKind.Bulk;
}
