namespace TicketWorker.Mail.Protocol;

/// <summary>
/// Receives each protocol line (without its CRLF) for diagnostics. Clients redact credentials
/// (AUTH/LOGIN arguments and SASL responses become "********") before calling it and never pass
/// message bodies.
/// </summary>
public delegate void ProtocolLogHandler(ProtocolDirection direction, string line);
