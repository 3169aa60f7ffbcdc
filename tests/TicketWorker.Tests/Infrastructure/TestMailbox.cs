using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using TicketWorker.Mail;
using TicketWorker.Mail.Imap;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A test user's mailbox on the local stack over MailKit (STARTTLS, trusting the stack's
/// certificate): what tests do as "the customer" or "an agent" — create folders, append mail, search.
/// Folder names go through the same namespace mapping as the worker's.
/// </summary>
public sealed class TestMailbox : IDisposable
{
    private TestMailbox(ImapClient client) => Client = client;

    public ImapClient Client { get; }

    public static async Task<TestMailbox> ConnectAsync(string user, ImapProfile? profile = null, CancellationToken cancellationToken = default)
    {
        var port = (profile ?? ImapProfile.Of(ImapProfile.DefaultName)).Port;
        var trust = CertificateTrust.FromPemFile(MailStack.CertificatePath);
        var client = new ImapClient
        {
            ServerCertificateValidationCallback = (_, certificate, chain, errors) => trust.IsTrusted(certificate, chain, errors),
            CheckCertificateRevocation = false,
        };
        try
        {
            await client.ConnectAsync(MailStack.Host, port, SecureSocketOptions.StartTls, cancellationToken);
            await client.AuthenticateAsync(MailStack.Address(user), MailStack.Password, cancellationToken);
            return new TestMailbox(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task<IMailFolder> FolderAsync(string name, CancellationToken cancellationToken = default) =>
        ImapFolders.GetAsync(Client, name, cancellationToken);

    public Task<IMailFolder> CreateFolderAsync(string name, CancellationToken cancellationToken = default) =>
        ImapFolders.GetOrCreateAsync(Client, name, cancellationToken);

    public async Task DeleteFolderAsync(string name, CancellationToken cancellationToken = default)
    {
        var folder = await FolderAsync(name, cancellationToken);
        if (folder.IsOpen) await folder.CloseAsync(cancellationToken: cancellationToken);
        await folder.DeleteAsync(cancellationToken);
    }

    /// <summary>Appends raw messages (line ends made CRLF), in batches of one MULTIAPPEND (RFC 3502) each.</summary>
    public async Task AppendAsync(string folderName, IEnumerable<string> messages, CancellationToken cancellationToken = default)
    {
        var folder = await FolderAsync(folderName, cancellationToken);
        foreach (var chunk in messages.Chunk(200))
        {
            var requests = new List<IAppendRequest>();
            foreach (var raw in chunk)
                requests.Add(new AppendRequest(await ParseAsync(raw, cancellationToken)));
            await folder.AppendAsync(requests, cancellationToken);
            foreach (var r in requests) r.Message.Dispose();
        }
    }

    public Task AppendAsync(string folderName, params string[] messages) => AppendAsync(folderName, messages, CancellationToken.None);

    /// <summary>UIDs matching <paramref name="query"/> in the folder (opened read-only).</summary>
    public async Task<IList<UniqueId>> SearchAsync(string folderName, SearchQuery query, CancellationToken cancellationToken = default)
    {
        var folder = await FolderAsync(folderName, cancellationToken);
        if (!folder.IsOpen) await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        return await folder.SearchAsync(query, cancellationToken);
    }

    /// <summary>Waits (bounded, 10 s) for mail matching <paramref name="query"/>, as Postfix delivers a few milliseconds after accepting.</summary>
    public async Task<IList<UniqueId>> WaitForAsync(string folderName, SearchQuery query, CancellationToken cancellationToken = default)
    {
        var found = await SearchAsync(folderName, query, cancellationToken);
        for (var i = 0; i < 100 && found.Count == 0; i++)
        {
            await Task.Delay(100, cancellationToken);
            await Client.NoOpAsync(cancellationToken);
            found = await SearchAsync(folderName, query, cancellationToken);
        }
        return found;
    }

    public async Task<MimeMessage> GetMessageAsync(string folderName, UniqueId uid, CancellationToken cancellationToken = default)
    {
        var folder = await FolderAsync(folderName, cancellationToken);
        if (!folder.IsOpen) await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        return await folder.GetMessageAsync(uid, cancellationToken);
    }

    private static async Task<MimeMessage> ParseAsync(string raw, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"));
        return await MimeMessage.LoadAsync(new MemoryStream(bytes), cancellationToken);
    }

    public void Dispose()
    {
        try
        {
            if (Client.IsConnected) Client.Disconnect(quit: true);
        }
        catch (Exception e) when (e is IOException or ImapProtocolException or ImapCommandException)
        {
            // Leaving anyway.
        }
        Client.Dispose();
    }
}
