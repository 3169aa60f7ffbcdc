using System.Text;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Tests.Imap;

/// <summary>The client against recorded server transcripts: parser edge cases and replies a local Dovecot will not produce.</summary>
public class ImapClientTranscriptTests
{
    private const string Greeting = "S: * OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ IDLE MOVE UIDPLUS AUTH=PLAIN] ready";

    private static async Task<(ImapClient Client, ScriptedImapServer Server)> ConnectAsync(string script, ImapClientOptions? options = null)
    {
        var server = new ScriptedImapServer(script);
        var client = new ImapClient(options);
        await client.ConnectAsync(server, CancellationToken.None);
        return (client, server);
    }

    private const string SelectInbox = """
        C: A0001 SELECT "INBOX"
        S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
        S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.
        S: * 2 EXISTS
        S: * 0 RECENT
        S: * OK [UIDVALIDITY 1795422871] UIDs valid
        S: * OK [UIDNEXT 9] Predicted next UID
        S: A0001 OK [READ-WRITE] Select completed (0.023 + 0.000 secs).
        """;

    [Test]
    public async Task GreetingCapabilitiesAreParsedIntoFlagsAndMechanisms()
    {
        var (client, server) = await ConnectAsync(Greeting);

        Assert.That(client.Capabilities, Is.EqualTo(ImapCapabilities.Imap4Rev1 | ImapCapabilities.SaslIR | ImapCapabilities.LiteralPlus
            | ImapCapabilities.Idle | ImapCapabilities.Move | ImapCapabilities.UidPlus));
        Assert.That(client.AuthenticationMechanisms, Is.EquivalentTo(new[] { "PLAIN" }));
        Assert.That(client.IsAuthenticated, Is.False);
        Assert.That(server.ClientLines, Is.Empty);
    }

    [Test]
    public void OptionsWithNonPositiveTimeoutsAreRejectedListingEveryProblem()
    {
        var options = new ImapClientOptions { ConnectTimeout = TimeSpan.Zero, CommandTimeout = TimeSpan.FromSeconds(-1) };

        Assert.That(() => new ImapClient(options),
            Throws.ArgumentException.With.Message.Contains("ConnectTimeout").And.Message.Contains("CommandTimeout"));
    }

    [Test]
    public async Task GreetingWithoutCapabilitiesTriggersACapabilityCommand()
    {
        var (client, server) = await ConnectAsync("""
            S: * OK hello
            C: A0001 CAPABILITY
            S: * CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED
            S: A0001 OK done
            """);

        Assert.That(client.Capabilities, Is.EqualTo(ImapCapabilities.Imap4Rev1 | ImapCapabilities.StartTls | ImapCapabilities.LoginDisabled));
        Assert.That(server.Mismatches, Is.Empty);
    }

    [Test]
    public async Task PreauthGreetingStartsAuthenticated()
    {
        var (client, _) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] logged in as you");

        Assert.That(client.IsAuthenticated, Is.True);
    }

    [Test]
    public void ByeGreetingIsConnectionLostWithTheServersReason()
    {
        Assert.That(async () => await ConnectAsync("S: * BYE too many connections\nEOF"),
            Throws.InstanceOf<ConnectionLostException>().With.Message.Contains("too many connections"));
    }

    [Test]
    public async Task LoginQuotesSpecialCharactersAndRereadsCapabilities()
    {
        var (client, server) = await ConnectAsync(Greeting + """

            C: A0001 LOGIN "sales@example.test" "p\"a\\ss word"
            S: A0001 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in
            """);

        await client.LoginAsync("sales@example.test", "p\"a\\ss word");

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.IsAuthenticated, Is.True);
        Assert.That(client.Capabilities, Is.EqualTo(ImapCapabilities.Imap4Rev1 | ImapCapabilities.Idle | ImapCapabilities.Move));
    }

    [Test]
    public async Task LoginWithANonAsciiPasswordWaitsForTheContinuationBeforeTheLiteral()
    {
        var (client, server) = await ConnectAsync("""
            S: * OK [CAPABILITY IMAP4rev1] hi
            C: A0001 LOGIN "u" {6}
            S: + go ahead
            C: pässw
            S: * CAPABILITY IMAP4rev1 MOVE
            S: A0001 OK done
            """);

        await client.LoginAsync("u", "pässw");

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.Capabilities.HasFlag(ImapCapabilities.Move), Is.True);
    }

    [Test]
    public async Task LoginRefusedIsAuthenticationFailedAndTheSessionLives()
    {
        var (client, server) = await ConnectAsync(Greeting + """

            C: A0001 LOGIN "u" "wrong"
            S: A0001 NO [AUTHENTICATIONFAILED] Authentication failed.
            C: A0002 NOOP
            S: A0002 OK NOOP completed
            """);

        Assert.That(async () => await client.LoginAsync("u", "wrong"),
            Throws.InstanceOf<AuthenticationFailedException>().With.Message.Contains("Authentication failed"));
        await client.NoopAsync();
        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task ProtocolLogHidesLoginCredentials()
    {
        var log = new List<string>();
        var (client, _) = await ConnectAsync(Greeting + """

            C: A0001 LOGIN "user" "hunter2"
            S: A0001 OK Logged in
            C: A0002 CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: A0002 OK done
            """, new ImapClientOptions { ProtocolLog = (_, line) => log.Add(line) });

        await client.LoginAsync("user", "hunter2");

        Assert.That(log, Has.Some.StartsWith("A0001 LOGIN"));
        Assert.That(log, Has.None.Contains("hunter2"));
    }

    [Test]
    public async Task SelectReportsUidValidityUidNextExistsAndPermanentFlags()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox);

        var info = await client.SelectAsync("INBOX");

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(info, Has.Property(nameof(FolderInfo.UidValidity)).EqualTo(1795422871u)
            .And.Property(nameof(FolderInfo.UidNext)).EqualTo(9u)
            .And.Property(nameof(FolderInfo.Exists)).EqualTo(2u)
            .And.Property(nameof(FolderInfo.IsReadOnly)).False
            .And.Property(nameof(FolderInfo.AllowsNewKeywords)).True);
        Assert.That(info.Flags, Has.Count.EqualTo(5));
    }

    [Test]
    public async Task UntaggedUpdatesBetweenResponsesAreAppliedAndReported()
    {
        var (client, _) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox + """

            C: A0002 NOOP
            S: * 3 EXISTS
            S: * 1 RECENT
            S: * 1 EXPUNGE
            S: * 1 FETCH (FLAGS (\Seen))
            S: * OK [ALERT] maintenance tonight
            S: A0002 OK NOOP completed
            """);
        await client.SelectAsync("INBOX");

        var changes = await client.NoopAsync();

        Assert.That(changes.Exists, Is.EqualTo(3u));
        Assert.That(changes.Expunged, Is.EqualTo(new[] { 1u }));
        Assert.That(changes.FlagsChanged, Is.True);
        Assert.That(client.SelectedFolder!.Exists, Is.EqualTo(2u));
    }

    [Test]
    public async Task BadReplyIsACommandFailureAndTheSessionLives()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + """
            C: A0001 CREATE "x"
            S: A0001 BAD Error in IMAP command CREATE: Invalid arguments.
            C: A0002 NOOP
            S: A0002 OK done
            """);

        Assert.That(async () => await client.CreateFolderAsync("x"),
            Throws.InstanceOf<MailCommandException>().With.Message.Contains("Invalid arguments"));
        await client.NoopAsync();
        Assert.That(server.Mismatches, Is.Empty);
    }

    [Test]
    public async Task FetchStreamsEachBodyAndSkipsWhatTheCallerDidNotRead()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox + """

            C: A0002 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])
            S: * 1 FETCH (UID 7 FLAGS (\Seen $Ticketed) INTERNALDATE " 3-Nov-2026 09:05:01 +0100" RFC822.SIZE 12 BODY[] {12}
            S: Subject: a
            S: )
            S: * 4 EXISTS
            S: * 2 FETCH (UID 8 FLAGS () INTERNALDATE "23-Nov-2026 10:00:00 -0500" RFC822.SIZE 25 BODY[] {24}
            S: Subject: b
            S:
            S: body {3}
            S: )
            S: A0002 OK Fetch completed.
            C: A0003 NOOP
            S: A0003 OK done
            """);
        await client.SelectAsync("INBOX");

        var seen = new List<(uint Uid, string Body, IReadOnlyList<string> Flags, DateTimeOffset? Date, long Size)>();
        await foreach (var message in client.FetchAsync(UidSet.All))
        {
            var body = message.Uid == 7 ? await new StreamReader(message.Body).ReadToEndAsync() : "unread";
            seen.Add((message.Uid, body, message.Flags, message.InternalDate, message.Size));
        }
        await client.NoopAsync();

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(seen.Select(s => s.Uid), Is.EqualTo(new[] { 7u, 8u }));
        Assert.That(seen[0].Body, Is.EqualTo("Subject: a\r\n"));
        Assert.That(seen[0].Flags, Is.EqualTo(new[] { "\\Seen", "$Ticketed" }));
        Assert.That(seen[0].Date, Is.EqualTo(new DateTimeOffset(2026, 11, 3, 9, 5, 1, TimeSpan.FromHours(1))));
        Assert.That(seen[1].Size, Is.EqualTo(25));
        Assert.That(client.SelectedFolder!.Exists, Is.EqualTo(4u));
    }

    [Test]
    public async Task BodyArrivingBeforeItsUidIsBufferedAndStillYieldedWithTheUid()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox + """

            C: A0002 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])
            S: * 1 FETCH (BODY[] "X: 1" FLAGS (\Seen) UID 7)
            S: * 2 FETCH (BODY[] {4}
            S: X: 2 UID 8 FLAGS ())
            S: A0002 OK Fetch completed.
            """);
        await client.SelectAsync("INBOX");

        var seen = new List<(uint, string)>();
        await foreach (var message in client.FetchAsync(UidSet.All))
            seen.Add((message.Uid, await new StreamReader(message.Body).ReadToEndAsync()));

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(seen, Is.EqualTo(new[] { (7u, "X: 1"), (8u, "X: 2") }));
    }

    [Test]
    public async Task BreakingOutOfAFetchDrainsTheResponseSoTheNextCommandWorks()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox + """

            C: A0002 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])
            S: * 1 FETCH (UID 7 BODY[] {3}
            S: a
            S: )
            S: * 2 FETCH (UID 8 BODY[] {3}
            S: b
            S: )
            S: A0002 OK Fetch completed.
            C: A0003 NOOP
            S: A0003 OK done
            """);
        await client.SelectAsync("INBOX");

        await foreach (var message in client.FetchAsync(UidSet.All))
            break;
        await client.NoopAsync();

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(server.ClientLinesAllSent, Is.True);
    }

    [Test]
    public async Task ServerDroppingMidFetchIsConnectionLostNotAHang()
    {
        var (client, _) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox + """

            C: A0002 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])
            S: * 1 FETCH (UID 7 BODY[] {5000}
            S: only the start of the message
            EOF
            """);
        await client.SelectAsync("INBOX");

        Assert.That(async () =>
        {
            await foreach (var message in client.FetchAsync(UidSet.All))
                await message.Body.CopyToAsync(Stream.Null);
        }, Throws.InstanceOf<ConnectionLostException>());
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task SilentServerTimesOutAsConnectionLost()
    {
        var (client, _) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\nC: A0001 NOOP\nHANG",
            new ImapClientOptions { CommandTimeout = TimeSpan.FromMilliseconds(200) });

        Assert.That(async () => await client.NoopAsync(),
            Throws.InstanceOf<ConnectionLostException>().With.Message.Contains("did not answer"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task UnparsableServerDataIsAProtocolViolationAndDisconnects()
    {
        var (client, _) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox + """

            C: A0002 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)
            S: * 1 FETCH (UID seven)
            """);
        await client.SelectAsync("INBOX");

        Assert.That(async () => await client.FetchSummariesAsync(UidSet.All), Throws.InstanceOf<ProtocolViolationException>());
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task ListDecodesModifiedUtf7QuotedAndLiteralNames()
    {
        var (client, _) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + """
            C: A0001 LIST "" "*"
            S: * LIST (\HasNoChildren) "/" INBOX
            S: * LIST (\HasNoChildren \Sent) "/" "&BB8EQAQ4BDIENQRC-"
            S: * LIST (\Noselect) NIL {9}
            S: odd "name
            S: A0001 OK List completed.
            """);

        var folders = await client.ListAsync();

        Assert.That(folders.Select(f => f.Name), Is.EqualTo(new[] { "INBOX", "Привет", "odd \"name" }));
        Assert.That(folders[1].Delimiter, Is.EqualTo('/'));
        Assert.That(folders[2].Delimiter, Is.Null);
        Assert.That(folders[2].IsSelectable, Is.False);
    }

    [Test]
    public async Task AppendWithoutLiteralPlusWaitsForContinuationAndReturnsAppendUid()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] hi\n" + """
            C: A0001 APPEND "INBOX" (\Seen $Ticketed) "05-Mar-2026 07:08:09 +0000" {7}
            S: + Ready for literal data
            C: Hi: x
            C:
            S: A0001 OK [APPENDUID 1795422871 42] Append completed.
            """);

        var result = await client.AppendAsync("INBOX", Encoding.ASCII.GetBytes("Hi: x\r\n"), ["\\Seen", "$Ticketed"],
            new DateTimeOffset(2026, 3, 5, 7, 8, 9, TimeSpan.Zero));

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(result, Is.EqualTo(new AppendResult(1795422871, 42)));
    }

    [Test]
    public async Task AppendRejectedBeforeTheLiteralIsACommandFailure()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + """
            C: A0001 APPEND "Nope" {7}
            S: A0001 NO [TRYCREATE] Mailbox doesn't exist: Nope
            C: A0002 NOOP
            S: A0002 OK done
            """);

        Assert.That(async () => await client.AppendAsync("Nope", "Hi: x\r\n"),
            Throws.InstanceOf<MailCommandException>().With.Message.Contains("TRYCREATE"));
        await client.NoopAsync();
        Assert.That(server.Mismatches, Is.Empty);
    }

    [Test]
    public async Task MoveReturnsTheCopyUidMappingFromTheUntaggedOk()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1 MOVE UIDPLUS] hi\n" + SelectInbox + """

            C: A0002 UID MOVE 7:8 "Done"
            S: * OK [COPYUID 555 7:8 100:101] Moved UIDs.
            S: * 1 EXPUNGE
            S: * 1 EXPUNGE
            S: A0002 OK Move completed.
            """);
        await client.SelectAsync("INBOX");

        var map = await client.MoveAsync(UidSet.Range(7, 8), "Done");

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(map!.DestinationUidValidity, Is.EqualTo(555u));
        Assert.That(map.Destination, Is.EqualTo(new[] { 100u, 101u }));
        Assert.That(client.SelectedFolder!.Exists, Is.EqualTo(0u));
    }

    [Test]
    public async Task SearchCollectsUidsAcrossTheResponse()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + SelectInbox + """

            C: A0002 UID SEARCH UID 5:* UNKEYWORD $Ticketed
            S: * SEARCH 9 5 7
            S: A0002 OK Search completed.
            """);
        await client.SelectAsync("INBOX");

        var uids = await client.SearchAsync(SearchQuery.And(SearchQuery.Uids(UidSet.Range(5)), SearchQuery.Unkeyword("$Ticketed")));

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(uids, Is.EqualTo(new[] { 5u, 7u, 9u }));
    }

    [Test]
    public async Task IdleReturnsWhenExistsArrivesAndEndsWithDone()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\n" + SelectInbox + """

            C: A0002 IDLE
            S: + idling
            S: * 3 EXISTS
            C: DONE
            S: * 1 RECENT
            S: A0002 OK Idle completed.
            C: A0003 NOOP
            S: A0003 OK done
            """);
        await client.SelectAsync("INBOX");

        var result = await client.IdleAsync(TimeSpan.FromMinutes(1));
        await client.NoopAsync();

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(result.Outcome, Is.EqualTo(IdleOutcome.Changed));
        Assert.That(result.Changes.Exists, Is.EqualTo(3u));
        Assert.That(result.Changes.Recent, Is.EqualTo(1u));
    }

    [Test]
    public async Task IdleEndsAtMaxDurationWithDone()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\n" + SelectInbox + """

            C: A0002 IDLE
            S: + idling
            C: DONE
            S: A0002 OK Idle completed.
            """);
        await client.SelectAsync("INBOX");

        var result = await client.IdleAsync(TimeSpan.FromMilliseconds(100));

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(result.Outcome, Is.EqualTo(IdleOutcome.TimedOut));
        Assert.That(server.ClientLinesAllSent, Is.True);
    }

    [Test]
    public async Task CancellingIdleSendsDoneCompletesTheCommandAndKeepsTheSession()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\n" + SelectInbox + """

            C: A0002 IDLE
            S: + idling
            C: DONE
            S: A0002 OK Idle completed.
            C: A0003 NOOP
            S: A0003 OK done
            """);
        await client.SelectAsync("INBOX");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.That(async () => await client.IdleAsync(TimeSpan.FromMinutes(1), cts.Token), Throws.InstanceOf<OperationCanceledException>());
        await client.NoopAsync();

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task LogoutReadsByeAndCloses()
    {
        var (client, server) = await ConnectAsync("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n" + """
            C: A0001 LOGOUT
            S: * BYE Logging out
            S: A0001 OK Logout completed.
            """);

        await client.LogoutAsync();

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.IsConnected, Is.False);
        Assert.That(server.IsDisposed, Is.True);
    }

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    [Test]
    public async Task AuthenticatePlainSendsTheInitialResponseWithTheCommandWhenSaslIrIsOffered()
    {
        var log = new List<string>();
        var (client, server) = await ConnectAsync(Greeting + $"""

            C: A0001 AUTHENTICATE PLAIN {Plain("u", "pw")}
            S: A0001 OK [CAPABILITY IMAP4rev1 MOVE] Logged in
            """, new ImapClientOptions { ProtocolLog = (_, line) => log.Add(line) });

        await client.AuthenticateAsync(new SaslPlain("u", "pw"));

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.IsAuthenticated, Is.True);
        Assert.That(log, Has.None.Contains(Plain("u", "pw")));
    }

    [Test]
    public async Task AuthenticatePlainWaitsForTheEmptyChallengeWithoutSaslIr()
    {
        var (client, server) = await ConnectAsync($"""
            S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
            C: A0001 AUTHENTICATE PLAIN
            S: +
            C: {Plain("u", "pw")}
            S: A0001 OK Logged in
            C: A0002 CAPABILITY
            S: * CAPABILITY IMAP4rev1 IDLE
            S: A0002 OK done
            """);

        await client.AuthenticateAsync(new SaslPlain("u", "pw"));

        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.Capabilities, Is.EqualTo(ImapCapabilities.Imap4Rev1 | ImapCapabilities.Idle));
    }

    [Test]
    public async Task RefusedXOAuth2TokenAnswersTheErrorChallengeAndFailsCleanly()
    {
        var error = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"status":"401","schemes":"bearer"}"""));
        var initial = Convert.ToBase64String(Encoding.UTF8.GetBytes("user=u@example.test\u0001auth=Bearer tok\u0001\u0001"));
        var (client, server) = await ConnectAsync($"""
            S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready
            C: A0001 AUTHENTICATE XOAUTH2 {initial}
            S: + {error}
            C:
            S: A0001 NO [AUTHENTICATIONFAILED] Authentication failed.
            C: A0002 NOOP
            S: A0002 OK done
            """);
        var mechanism = new SaslXOAuth2("u@example.test", "tok");

        var failure = Assert.ThrowsAsync<AuthenticationFailedException>(() => client.AuthenticateAsync(mechanism));
        await client.NoopAsync();

        Assert.That(failure!.Mechanism, Is.EqualTo("XOAUTH2"));
        Assert.That(mechanism.ServerError, Does.Contain("401"));
        Assert.That(server.Mismatches, Is.Empty);
        Assert.That(client.AuthenticationMechanisms, Does.Contain("XOAUTH2"), "capabilities survive a failed attempt");
    }

    [Test]
    public async Task DataInjectedAfterTheStartTlsReplyIsAProtocolViolation()
    {
        var (client, _) = await ConnectAsync("""
            S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
            C: A0001 STARTTLS
            S: A0001 OK Begin TLS negotiation now.
            S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected
            """);

        Assert.That(async () => await client.StartTlsAsync("localhost", null, CancellationToken.None), Throws.InstanceOf<ProtocolViolationException>());
        Assert.That(client.IsConnected, Is.False);
    }
}
