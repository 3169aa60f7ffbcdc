using MailKit.Net.Imap;
using TicketWorker.Configuration;
using TicketWorker.Mail;
using TicketWorker.Mail.Imap;

namespace TicketWorker.Intake;

/// <summary>Turns a mailbox's settings into a connected, authenticated IMAP client (TLS validated, see <see cref="MailServer"/>).</summary>
public static class ServerConnections
{
    /// <summary>How long one IMAP read or write may stall before the connection counts as lost.</summary>
    public static TimeSpan ImapTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Connects and logs in (XOAUTH2 with an access token file, else the password); the caller disposes the client.</summary>
    public static async Task<ImapClient> OpenImapAsync(LoadedSettings settings, MailboxOptions mailbox, CancellationToken cancellationToken, SpoolOptions? spool = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(mailbox);
        var server = mailbox.Imap;
        var client = MailServer.CreateImapClient(settings, server, ImapTimeout, spool);
        try
        {
            await MailServer.ConnectAndAuthenticateAsync(client, settings, server, MailServer.Port(server, 993, 143), mailbox.Address, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
