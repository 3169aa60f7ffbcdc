using TicketWorker.Mail.Reading;
using TicketWorker.Storage;

namespace TicketWorker.Intake;

/// <summary>A parsed and classified inbound message on its way to the ticket store.</summary>
public sealed record InboundMessage(
    ReadMessage Message,
    string MessageId,
    Classification.Classification Classification,
    RawMailReference Raw,
    IngestSource Source)
{
    private string? newText;
    private string? language;

    /// <summary>
    /// What the sender wrote in this message, quotes and signature left out (Mail/Quotes): computed
    /// once, by intake while it parses (on any core) rather than by the batch writer.
    /// </summary>
    public string NewText => newText ??= Mail.Quotes.ReplyText.Extract(Message).NewText;

    /// <summary>The language rules see (<see cref="Rules.RuleInput.DetectLanguage"/>): like <see cref="NewText"/>, worked out while intake parses.</summary>
    public string Language => language ??= Rules.RuleInput.DetectLanguage(Message);
}
