using MailKit;
using MailKit.Net.Smtp;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

public sealed partial class OutboxSender
{
    /// <summary>
    /// The server said no (RFC 5321 §4.2.1): 4yz is tried again later, 5yz fails the row. When it
    /// refused every recipient the row's error names each with its reply; MailKit has already
    /// reset the transaction, so the session carries on with the next row.
    /// </summary>
    private async Task CommandRefusedAsync(OutboxSmtpClient client, OutboxItem row, SmtpCommandException ex, Round round)
    {
        var refusals = client.LastRefusals;
        var everyRecipient = ex.ErrorCode == SmtpErrorCode.MessageNotAccepted && refusals.Count > 0 && refusals.Count >= row.Recipients.Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var transient = everyRecipient ? refusals.All(r => r.IsTransient) : (int)ex.StatusCode is >= 400 and < 500;
        var error = everyRecipient
            ? "every recipient refused: " + string.Join("; ", refusals)
            : $"{(int)ex.StatusCode} {OneLine(ex)}{(ex.Mailbox is { } mailbox ? $" (<{mailbox.Address}>)" : "")}";
        if (ex.StatusCode == SmtpStatusCode.ServiceNotAvailable && client.IsConnected)
        {
            // 421: the server is closing the session; the next row starts a new one.
            await client.DisconnectAsync(quit: false, CancellationToken.None).ConfigureAwait(false);
        }

        if (transient)
        {
            await RetryLaterAsync(row, error, round).ConfigureAwait(false);
        }
        else
        {
            await FailAsync(row, error, round).ConfigureAwait(false);
        }
    }

    private async Task QuitQuietlyAsync(OutboxSmtpClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ProtocolException or CommandException or IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Log.QuitFailed(_log, OneLine(ex));
        }
        finally
        {
            client.Dispose();
        }
    }
}
