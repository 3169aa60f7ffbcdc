namespace TicketWorker.Classification;

/// <summary>The classifier's verdict with the evidence a later stage needs.</summary>
/// <param name="Kind">What the message is.</param>
/// <param name="Reason">Why, in a few words (shown in ingest output and logs).</param>
/// <param name="ReturnedMessageIds">For bounces and reports: Message-IDs of the returned original, to link it.</param>
public sealed record Classification(MessageKind Kind, string Reason, IReadOnlyList<string> ReturnedMessageIds)
{
    public static Classification Of(MessageKind kind, string reason) => new(kind, reason, []);
}
