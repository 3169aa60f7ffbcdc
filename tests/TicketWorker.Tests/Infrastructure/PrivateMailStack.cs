using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using TicketWorker.Mail;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A mail stack of the test's own (install/mailstack.sh with its own state folder and ports), for
/// tests that stop and restart Dovecot or Postfix: the shared stack (ports 10xxx/11xxx,
/// /tmp/ticketworker-mailstack) is never touched, so other tests may run meanwhile. Every call of
/// the script gets this stack's environment explicitly; nothing here reads or changes the process
/// environment.
/// </summary>
public sealed class PrivateMailStack
{
    /// <param name="stateDirectory">Under /tmp/tw-faults-*.</param>
    /// <param name="basePort">Eight consecutive ports from here (IMAP, IMAPS, LMTP, SMTP, submission, SMTPS, hosted IMAP, hosted IMAPS), and the ninth named as the (absent) DKIM milter.</param>
    /// <param name="sieve">LMTP delivery runs the users' Sieve scripts (install/mailstack.sh sieve-vacation).</param>
    /// <param name="milterPort">
    /// The OpenDKIM milter port this stack's Postfix calls (default: the shared one, 10891). A port where
    /// nothing listens keeps the stack's mail away from the shared OpenDKIM (Postfix then accepts unsigned).
    /// </param>
    public PrivateMailStack(string stateDirectory, int basePort, bool sieve = false, int? milterPort = null)
    {
        StateDirectory = stateDirectory;
        BasePort = basePort;
        Sieve = sieve;
        MilterPort = milterPort;
    }

    public int? MilterPort { get; }

    public string StateDirectory { get; }
    public int BasePort { get; }
    public bool Sieve { get; }
    public static string Host => "127.0.0.1";
    public int ImapPort => BasePort;
    public int LmtpPort => BasePort + 2;
    public int SmtpPort => BasePort + 3;
    public string CertificatePath => Path.Combine(StateDirectory, "tls", "cert.pem");

    private IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TICKETWORKER_MAILSTACK_DIR"] = StateDirectory,
        ["TICKETWORKER_IMAP_PORT"] = Port(0),
        ["TICKETWORKER_IMAPS_PORT"] = Port(1),
        ["TICKETWORKER_LMTP_PORT"] = Port(2),
        ["TICKETWORKER_SMTP_PORT"] = Port(3),
        ["TICKETWORKER_SUBMISSION_PORT"] = Port(4),
        ["TICKETWORKER_SMTPS_PORT"] = Port(5),
        ["TICKETWORKER_HOSTED_IMAP_PORT"] = Port(6),
        ["TICKETWORKER_HOSTED_IMAPS_PORT"] = Port(7),
        ["TICKETWORKER_MAILSTACK_SIEVE"] = Sieve ? "1" : "0",
        // Nothing listens there: Postfix accepts unsigned (milter_default_action = accept) instead of asking
        // the shared stack's OpenDKIM on 10891, whose state is not this stack's.
        ["TICKETWORKER_OPENDKIM_PORT"] = Port(8),
    };

    private string Port(int offset) => (BasePort + offset).ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts what is not running (everything on first use).</summary>
    public void Up() => Run("up");

    /// <summary>Stops every daemon of this stack.</summary>
    public void Down() => Run("down");

    /// <summary>Stops Postfix only (SMTP refused until <see cref="Up"/>).</summary>
    public void StopPostfix() => Run("postfix-down");

    /// <summary>Stops the IMAP/LMTP Dovecot only (connections drop until <see cref="Up"/>).</summary>
    public void StopDovecot() => Run("dovecot-down");

    /// <summary>Gives the user a Sieve vacation responder answering every mail it may answer.</summary>
    public void Vacation(string user, int seconds = 1) => Run("sieve-vacation", user, seconds.ToString(CultureInfo.InvariantCulture));

    public void VacationOff(string user) => Run("sieve-off", user);

    public void Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(RepoRoot.Path, "install", "mailstack.sh"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in Environment) info.Environment[k] = v;
        if (MilterPort is { } milter) info.Environment["TICKETWORKER_OPENDKIM_PORT"] = milter.ToString(CultureInfo.InvariantCulture);
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000)) Assert.Fail($"mailstack.sh {string.Join(' ', arguments)} did not finish in 180 s");
        if (p.ExitCode != 0) Assert.Fail($"mailstack.sh {string.Join(' ', arguments)} (state {StateDirectory}): {output.Result}{error.Result}");
    }

    /// <summary>A user's IMAP session (STARTTLS, this stack's certificate trusted).</summary>
    public async Task<ImapClient> ConnectAsync(string user, CancellationToken cancellationToken = default)
    {
        var trust = CertificateTrust.FromPemFile(CertificatePath);
        var client = new ImapClient
        {
            ServerCertificateValidationCallback = (_, certificate, chain, errors) => trust.IsTrusted(certificate, chain, errors),
            CheckCertificateRevocation = false,
        };
        try
        {
            await client.ConnectAsync(Host, ImapPort, SecureSocketOptions.StartTls, cancellationToken);
            await client.AuthenticateAsync(MailStack.Address(user), MailStack.Password, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Removes every message from the user's INBOX (a fresh start for a test on a reused stack).</summary>
    public async Task EmptyInboxAsync(string user, CancellationToken cancellationToken = default)
    {
        using var client = await ConnectAsync(user, cancellationToken);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        if (client.Inbox.Count > 0)
        {
            await client.Inbox.AddFlagsAsync(new UniqueIdRange(UniqueId.MinValue, UniqueId.MaxValue), MessageFlags.Deleted, true, cancellationToken);
            await client.Inbox.ExpungeAsync(cancellationToken);
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    /// <summary>Appends raw messages to the user's INBOX, 200 per MULTIAPPEND (RFC 3502).</summary>
    public async Task AppendAsync(string user, IEnumerable<byte[]> messages, CancellationToken cancellationToken = default)
    {
        using var client = await ConnectAsync(user, cancellationToken);
        foreach (var chunk in messages.Chunk(200))
        {
            var requests = new List<IAppendRequest>();
            foreach (var raw in chunk)
                requests.Add(new AppendRequest(await MimeMessage.LoadAsync(new MemoryStream(raw), cancellationToken)));
            await client.Inbox.AppendAsync(requests, cancellationToken);
            foreach (var r in requests) r.Message.Dispose();
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    /// <summary>Sends raw messages by SMTP (port 25 style: no TLS, no AUTH) with the given envelope.</summary>
    public async Task SendAsync(string from, string to, IEnumerable<byte[]> messages, CancellationToken cancellationToken = default)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(Host, SmtpPort, SecureSocketOptions.None, cancellationToken);
        foreach (var raw in messages)
        {
            using var message = await MimeMessage.LoadAsync(new MemoryStream(raw), cancellationToken);
            await smtp.SendAsync(message, MailboxAddress.Parse(MailStack.Address(from)), [MailboxAddress.Parse(MailStack.Address(to))], cancellationToken);
        }
        await smtp.DisconnectAsync(true, cancellationToken);
    }

    /// <summary>The headers of every message in the user's INBOX (Message-ID, Subject, From, Auto-Submitted …).</summary>
    public async Task<IReadOnlyList<HeaderList>> InboxHeadersAsync(string user, CancellationToken cancellationToken = default)
    {
        using var client = await ConnectAsync(user, cancellationToken);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var result = new List<HeaderList>();
        if (client.Inbox.Count > 0)
        {
            var request = new FetchRequest(MessageSummaryItems.UniqueId) { Headers = HeaderSet.All };
            foreach (var summary in await client.Inbox.FetchAsync(0, -1, request, cancellationToken))
                if (summary.Headers is { } headers) result.Add(headers);
        }
        await client.DisconnectAsync(true, cancellationToken);
        return result;
    }
}
