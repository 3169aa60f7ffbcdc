namespace TicketWorker.Replies;

/// <summary>What an acknowledgement says: subject, text and HTML bodies, and their language.</summary>
public sealed record AckContent(string Subject, string Text, string? Html, string Language);

/// <summary>The facts an acknowledgement is written from.</summary>
public sealed record AckModel(
    long TicketNumber,
    string TaggedSubject,
    string CustomerAddress,
    string? CustomerName,
    string OriginalSubject,
    string? CustomerText,
    string? ContentLanguage,
    DateTimeOffset ReceivedAt);
