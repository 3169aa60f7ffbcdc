using TicketWorker.Mail.Reading;
using TicketWorker.Storage;

namespace TicketWorker.Intake;

/// <summary>A parsed and classified inbound message on its way to the ticket store.</summary>
public sealed record InboundMessage(
    ReadMessage Message,
    string MessageId,
    Classification.Classification Classification,
    RawMailReference Raw,
    IngestSource Source);
