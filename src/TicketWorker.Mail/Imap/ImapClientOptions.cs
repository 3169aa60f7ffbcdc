using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Imap;

/// <summary>Timeouts and the optional protocol log of an <see cref="ImapClient"/>.</summary>
public sealed class ImapClientOptions
{
    /// <summary>Time allowed for the TCP connect and TLS handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest silence of the server while a command runs; then the connection counts as lost.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Receives one line per command sent and per response head received.
    /// LOGIN arguments and SASL exchanges are replaced by asterisks; message bodies are never logged.
    /// </summary>
    public ProtocolLogHandler? ProtocolLog { get; set; }
}
