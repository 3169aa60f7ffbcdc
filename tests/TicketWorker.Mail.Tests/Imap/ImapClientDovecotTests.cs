using System.Security.Cryptography;
using System.Text;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;
using TicketWorker.Mail.Tests.Infrastructure;

namespace TicketWorker.Mail.Tests.Imap;

/// <summary>The client against the real local Dovecot (install/mailstack.sh). User sales@ with a fresh folder per test.</summary>
public class ImapClientDovecotTests
{
    private const string User = "sales";
    private readonly List<string> _folders = [];

    private static async Task<ImapClient> OpenAsync(string user = User)
    {
        var client = new ImapClient(new ImapClientOptions { CommandTimeout = TimeSpan.FromSeconds(30) });
        await client.ConnectAsync(MailStack.Host, MailStack.ImapPort, ImapSecurity.None);
        await client.LoginAsync(MailStack.Address(user), MailStack.Password);
        return client;
    }

    private async Task<string> NewFolderAsync(ImapClient client, string prefix = "tw-imap")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        await client.CreateFolderAsync(name);
        _folders.Add(name);
        return name;
    }

    [TearDown]
    public async Task DeleteFoldersAsync()
    {
        if (_folders.Count == 0)
            return;
        await using var client = await OpenAsync();
        foreach (var folder in _folders)
        {
            try
            {
                await client.DeleteFolderAsync(folder);
            }
            catch (MailCommandException)
            {
                // Already gone: nothing to clean up.
            }
        }
        _folders.Clear();
    }

    private static byte[] Message(int i, int bodyBytes)
    {
        var sb = new StringBuilder();
        sb.Append($"From: customer{i % 20 + 1}@example.test\r\n");
        sb.Append("To: sales@example.test\r\n");
        sb.Append($"Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes($"Заявка №{i}"))}?=\r\n");
        sb.Append($"Message-ID: <imap-test-{i}-{Guid.NewGuid():N}@example.test>\r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        var line = $"Строка {i}: ünïcödé and ASCII text with {{braces}} and \"quotes\" ) ( * \r\n";
        var lineBytes = Encoding.UTF8.GetByteCount(line);
        for (var size = Encoding.UTF8.GetByteCount(sb.ToString()); size < bodyBytes; size += lineBytes)
            sb.Append(line);
        sb.Append(".\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Test]
    public async Task WrongPasswordIsAClearAuthenticationFailure()
    {
        await using var client = new ImapClient();
        await client.ConnectAsync(MailStack.Host, MailStack.ImapPort, ImapSecurity.None);

        var error = Assert.ThrowsAsync<AuthenticationFailedException>(() => client.LoginAsync(MailStack.Address(User), "wrong-password"));

        Assert.That(error!.ResponseCode, Is.EqualTo("AUTHENTICATIONFAILED"));
        Assert.That(error.Message, Does.Contain("Authentication failed"));
        Assert.That(client.IsConnected, Is.True);
        Assert.That(client.IsAuthenticated, Is.False);
    }

    [Test]
    public async Task ThousandAppendedMessagesFetchBackByteForByte()
    {
        await using var client = await OpenAsync();
        var folder = await NewFolderAsync(client);
        var selected = await client.SelectAsync(folder);
        var sent = new Dictionary<uint, byte[]>();
        for (var batch = 0; batch < 10; batch++)
        {
            // Mostly 0.5–3.5 KB, a few of 200 KB, one of 3 MB that must stream through in pieces.
            var messages = Enumerable.Range(batch * 100, 100)
                .Select(i => Message(i, i == 500 ? 3 * 1024 * 1024 : i % 250 == 0 ? 200_000 : 500 + i * 7 % 3000))
                .ToList();
            var appended = await client.AppendAsync(folder, messages.Select(m => new AppendMessage(m)).ToList());
            for (var i = 0; i < messages.Count; i++)
            {
                Assert.That(appended[i].UidValidity, Is.EqualTo(selected.UidValidity));
                sent[appended[i].Uid] = messages[i];
            }
        }

        var received = 0;
        await foreach (var message in client.FetchAsync(UidSet.All))
        {
            using var copy = new MemoryStream();
            await message.Body.CopyToAsync(copy);
            Assert.That(sent.TryGetValue(message.Uid, out var expected), Is.True, $"unexpected UID {message.Uid}");
            Assert.That(message.Size, Is.EqualTo(expected!.Length));
            Assert.That(SHA256.HashData(copy.ToArray()), Is.EqualTo(SHA256.HashData(expected)), $"body of UID {message.Uid}");
            Assert.That(message.InternalDate, Is.Not.Null);
            received++;
        }

        Assert.That(received, Is.EqualTo(1000));
        var summaries = await client.FetchSummariesAsync(UidSet.All);
        Assert.That(summaries.Select(s => s.Uid), Is.EquivalentTo(sent.Keys));
    }

    [Test]
    public async Task SingleAppendsKeepFlagsAndInternalDate()
    {
        await using var client = await OpenAsync();
        var folder = await NewFolderAsync(client);
        await client.SelectAsync(folder);
        var date = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.FromHours(3));

        var appended = await client.AppendAsync(folder, Message(7, 800), ["\\Flagged", "$Ticketed"], date);
        var summary = (await client.FetchSummariesAsync(UidSet.Of([appended.Uid]))).Single();

        Assert.That(summary.Flags, Is.SupersetOf(new[] { "\\Flagged", "$Ticketed" }));
        Assert.That(summary.InternalDate, Is.EqualTo(date));
        Assert.That(summary.Size, Is.EqualTo(Message(7, 800).Length));
    }

    [Test]
    public async Task IdleReportsAMessageAppendedByAnotherConnection()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watcher = await OpenAsync();
        await using var writer = await OpenAsync();
        var folder = await NewFolderAsync(watcher);
        await watcher.SelectAsync(folder, timeout.Token);

        var idle = watcher.IdleAsync(TimeSpan.FromMinutes(1), timeout.Token);
        await writer.AppendAsync(folder, Message(1, 1000), cancellationToken: timeout.Token);
        var result = await idle;

        Assert.That(result.Outcome, Is.EqualTo(IdleOutcome.Changed));
        Assert.That(result.Changes.Exists, Is.EqualTo(1u));
        Assert.That((await watcher.SearchAsync(SearchQuery.All, timeout.Token)), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task MoveAndTheCopyExpungeFallbackBothMoveMessages()
    {
        await using var client = await OpenAsync();
        var source = await NewFolderAsync(client);
        var target = await NewFolderAsync(client);
        await client.SelectAsync(source);
        for (var i = 0; i < 4; i++)
            await client.AppendAsync(source, Message(i, 600));
        var uids = await client.SearchAsync(SearchQuery.All);

        var moved = await client.MoveAsync(UidSet.Of(uids.Take(2)), target, ImapMoveStrategy.Move);
        var copied = await client.MoveAsync(UidSet.Of(uids.Skip(2)), target, ImapMoveStrategy.CopyAndExpunge);

        Assert.That(await client.SearchAsync(SearchQuery.All), Is.Empty);
        Assert.That(moved!.Source, Is.EqualTo(uids.Take(2)));
        Assert.That(copied!.Source, Is.EqualTo(uids.Skip(2)));
        var info = await client.SelectAsync(target);
        Assert.That(info.Exists, Is.EqualTo(4u));
        Assert.That(await client.SearchAsync(SearchQuery.All), Is.EquivalentTo(moved.Destination.Concat(copied.Destination)));
        Assert.That(await client.SearchAsync(SearchQuery.Deleted), Is.Empty);
    }

    [Test]
    public async Task RussianFolderNamesRoundTripThroughCreateAndList()
    {
        await using var client = await OpenAsync();
        var folder = await NewFolderAsync(client, "Заявки клиентов");

        var listed = await client.ListAsync("Заявки*");
        var info = await client.SelectAsync(folder);

        await client.CloseFolderAsync();

        Assert.That(listed.Select(f => f.Name), Does.Contain(folder));
        Assert.That(info.Name, Is.EqualTo(folder));
        Assert.That(client.SelectedFolder, Is.Null);
    }

    [Test]
    public async Task StoredKeywordIsFoundAndExcludedByUnkeywordSearch()
    {
        await using var client = await OpenAsync();
        var folder = await NewFolderAsync(client);
        var info = await client.SelectAsync(folder);
        var first = await client.AppendAsync(folder, Message(1, 500));
        var second = await client.AppendAsync(folder, Message(2, 500));
        var third = await client.AppendAsync(folder, Message(3, 500), ["\\Seen"]);

        await client.StoreAsync(UidSet.Of([second.Uid]), StoreAction.Add, ["$Ticketed"]);

        Assert.That(info.AllowsNewKeywords, Is.True);
        Assert.That(await client.SearchAsync(SearchQuery.Unkeyword("$Ticketed")), Is.EqualTo(new[] { first.Uid, third.Uid }));
        Assert.That(await client.SearchAsync(SearchQuery.And(SearchQuery.Uids(UidSet.Range(second.Uid)), SearchQuery.Keyword("$Ticketed"))),
            Is.EqualTo(new[] { second.Uid }));
        var summaries = await client.FetchSummariesAsync(UidSet.Of([second.Uid, third.Uid]));
        Assert.That(summaries.Single(s => s.Uid == second.Uid).Flags, Does.Contain("$Ticketed"));
        Assert.That(summaries.Single(s => s.Uid == third.Uid).Flags, Does.Contain("\\Seen"));

        await client.StoreAsync(UidSet.Of([second.Uid]), StoreAction.Remove, ["$Ticketed"]);
        Assert.That(await client.SearchAsync(SearchQuery.Unkeyword("$Ticketed")), Has.Count.EqualTo(3));
    }

    [TestCase(ImapSecurity.StartTls)]
    [TestCase(ImapSecurity.SslOnConnect)]
    public async Task SelfSignedCertificateIsRefusedWithoutTheTrustOption(ImapSecurity security)
    {
        var port = security == ImapSecurity.StartTls ? MailStack.ImapPort : MailStack.ImapsPort;
        await using var client = new ImapClient();

        Assert.That(async () => await client.ConnectAsync(MailStack.Host, port, security), Throws.InstanceOf<TlsCertificateException>());
        Assert.That(client.IsConnected, Is.False);
    }

    [TestCase(ImapSecurity.StartTls)]
    [TestCase(ImapSecurity.SslOnConnect)]
    public async Task SelfSignedCertificateIsAcceptedWhenTrustedExplicitly(ImapSecurity security)
    {
        var port = security == ImapSecurity.StartTls ? MailStack.ImapPort : MailStack.ImapsPort;
        await using var client = new ImapClient();

        await client.ConnectAsync(MailStack.Host, port, security, MailStack.TrustedTls);
        await client.AuthenticateAsync(new SaslPlain(MailStack.Address(User), MailStack.Password));
        var inbox = await client.ExamineAsync("INBOX");

        Assert.That(client.IsAuthenticated, Is.True);
        Assert.That(client.Capabilities.HasFlag(ImapCapabilities.StartTls), Is.False, "capabilities are re-read after TLS and login");
        Assert.That(inbox.IsReadOnly, Is.True);
    }

    [Test]
    public async Task XOAuth2WithALocallySignedTokenAuthenticates()
    {
        await using var client = new ImapClient();
        await client.ConnectAsync(MailStack.Host, MailStack.ImapsPort, ImapSecurity.SslOnConnect, MailStack.TrustedTls);

        await client.AuthenticateAsync(new SaslXOAuth2(MailStack.Address(User), MailStack.CreateAccessToken(User)));

        Assert.That(client.IsAuthenticated, Is.True);
        Assert.That(client.Capabilities.HasFlag(ImapCapabilities.Move), Is.True);
    }

    [Test]
    public async Task XOAuth2WithAnExpiredTokenIsAnAuthenticationFailure()
    {
        await using var client = new ImapClient();
        await client.ConnectAsync(MailStack.Host, MailStack.ImapsPort, ImapSecurity.SslOnConnect, MailStack.TrustedTls);
        var mechanism = new SaslXOAuth2(MailStack.Address(User), MailStack.CreateAccessToken(User, TimeSpan.FromHours(-1)));

        Assert.That(async () => await client.AuthenticateAsync(mechanism), Throws.InstanceOf<AuthenticationFailedException>());
        Assert.That(client.IsConnected, Is.True);
    }
}
