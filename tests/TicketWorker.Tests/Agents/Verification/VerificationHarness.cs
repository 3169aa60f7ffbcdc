using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using TicketWorker.Agents;
using TicketWorker.Agents.Verification;
using TicketWorker.Mail;
using TicketWorker.Mail.Reading;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Threading;

namespace TicketWorker.Tests.Agents.Verification;

/// <summary>
/// What the verifier needs around a message, as the pipeline has it: the raw bytes in a real
/// <see cref="RawMailStore"/> (a temp folder), the message read by <see cref="MessageReader"/>, the
/// agents of rules.yaml and the database's reply-token key. Plus sending through the real stack.
/// </summary>
internal sealed class VerificationHarness : IDisposable
{
    public static readonly Agent Agent1 = new("agent1@example.test", "Agent One", ["support"], null, false);
    public static readonly Agent Agent2 = new("agent2@example.test", "Agent Two", ["support"], null, false);
    public static readonly string[] MailboxAddresses = ["support@example.test", "sales@example.test"];

    private readonly TempDirectory folder = new();

    public VerificationHarness()
    {
        var database = new StorageDatabase(new StorageOptions
        {
            ConnectionString = $"Data Source={Path.Combine(folder.Path, "tw.db")}",
            RawMailPath = Path.Combine(folder.Path, "raw"),
        });
        RawMail = new RawMailStore(database);
        Tokens = new ReplyToken(RandomNumberGenerator.GetBytes(32));
    }

    public RawMailStore RawMail { get; }

    public ReplyToken Tokens { get; }

    public AgentVerifier Verifier(AgentVerificationOptions options, ILogger<AgentVerifier>? logger = null) =>
        new(options, RawMail, new DnsDkimPublicKeyLocator(options), TimeProvider.System, logger ?? NullLogger<AgentVerifier>.Instance);

    public async Task<AgentClaim> ClaimAsync(byte[] raw, Agent agent, long ticket)
    {
        var reference = await RawMail.SaveAsync(new MemoryStream(raw));
        var message = await MessageReader.ReadAsync(new MemoryStream(raw));
        return new AgentClaim(agent, message, reference, ticket, MailboxAddresses, Tokens);
    }

    public Task<AgentClaim> ClaimAsync(string raw, Agent agent, long ticket) =>
        ClaimAsync(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")), agent, ticket);

    public async Task<AgentVerdict> VerifyAsync(AgentVerificationOptions options, byte[] raw, Agent? agent = null, long ticket = 42) =>
        await Verifier(options).VerifyAsync(await ClaimAsync(raw, agent ?? Agent1, ticket), CancellationToken.None);

    public async Task<AgentVerdict> VerifyAsync(AgentVerificationOptions options, string raw, Agent? agent = null, long ticket = 42) =>
        await Verifier(options).VerifyAsync(await ClaimAsync(raw, agent ?? Agent1, ticket), CancellationToken.None);

    /// <summary>A plain message from <paramref name="from"/> to sales@ with a unique Message-ID.</summary>
    public static MimeMessage NewMessage(string from = "agent1@example.test", string subject = "Re: [#42] Printer on fire")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("sales@example.test"));
        message.Subject = subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = $"verify-{Guid.NewGuid():N}@example.test";
        message.Body = new TextPart("plain") { Text = "#close\n\nDone, the printer is fixed.\n" };
        return message;
    }

    /// <summary>
    /// Sends through the real Postfix: with <paramref name="login"/> over submission (STARTTLS + AUTH,
    /// so OpenDKIM signs it), else over the plain port as inbound mail from anywhere (OpenDKIM verifies it).
    /// Returns the bytes Dovecot stored in the recipient's INBOX.
    /// </summary>
    public static async Task<byte[]> SendAndFetchAsync(MimeMessage message, string? login = null, string recipient = "sales")
    {
        var trust = CertificateTrust.FromPemFile(MailStack.CertificatePath);
        using (var smtp = new SmtpClient())
        {
            smtp.ServerCertificateValidationCallback = (_, certificate, chain, errors) => trust.IsTrusted(certificate, chain, errors);
            smtp.CheckCertificateRevocation = false;
            if (login is null)
            {
                await smtp.ConnectAsync(MailStack.Host, MailStack.SmtpPort, SecureSocketOptions.None);
            }
            else
            {
                await smtp.ConnectAsync(MailStack.Host, MailStack.SubmissionPort, SecureSocketOptions.StartTls);
                await smtp.AuthenticateAsync(MailStack.Address(login), MailStack.Password);
            }
            var sender = MailboxAddress.Parse(login is null ? message.From.Mailboxes.First().Address : MailStack.Address(login));
            await smtp.SendAsync(message, sender, [MailboxAddress.Parse(MailStack.Address(recipient))]);
            await smtp.DisconnectAsync(true);
        }

        using var mailbox = await TestMailbox.ConnectAsync(recipient);
        var inbox = await mailbox.FolderAsync("INBOX");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (inbox.IsOpen) await inbox.CloseAsync();
            await inbox.OpenAsync(FolderAccess.ReadOnly);
            var uids = await inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", message.MessageId!));
            if (uids.Count > 0)
            {
                using var stream = await inbox.GetStreamAsync(uids[^1]);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                return copy.ToArray();
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"message {message.MessageId} did not arrive in {recipient}'s INBOX within 20 s (see the stack's log/postfix.log)");
            await Task.Delay(100);
        }
    }

    public void Dispose() => folder.Dispose();
}
