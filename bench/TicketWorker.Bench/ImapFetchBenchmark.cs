using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using TicketWorker.Mail.Imap;

namespace TicketWorker.Bench;

/// <summary>
/// UID FETCH download rate of MailKit's <c>ImapFolder.GetStreamsAsync</c> (as intake uses it: our
/// spooling client, one UID FETCH for the whole folder and in intake's batches of 500 UIDs) against
/// the local Dovecot, next to Python's imaplib and a minimal raw-socket reader (the practical
/// limit), measured in the same run and interleaved per round because the machine's speed varies
/// (see MAILSTACK-NOTES: ±40 %).
/// </summary>
public static class ImapFetchBenchmark
{
    private const string Host = "127.0.0.1";
    internal const string User = "customer20@example.test";
    private const string Password = "secret";

    /// <summary>Runs the benchmark; arguments: [--messages N] [--rounds R] [--python PATH] [--port P].</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var messages = IntOption(args, "--messages", 10_000);
        var rounds = IntOption(args, "--rounds", 3);
        var port = IntOption(args, "--port", int.TryParse(Environment.GetEnvironmentVariable("TICKETWORKER_IMAP_PORT"), out var p) ? p : 10143);
        var python = StringOption(args, "--python", "python3");
        var folder = $"bench-fetch-{messages}";

        var seeded = await SeedAsync(port, folder, messages).ConfigureAwait(false);
        Console.WriteLine($"folder {folder}: {messages} messages, {seeded / 1024.0 / 1024.0:F1} MB (user {User})");
        var results = new Dictionary<string, List<(int Messages, long Bytes, double Seconds)>>
        {
            ["raw socket"] = [],
            ["MailKit"] = [],
            ["MailKit 500/cmd"] = [],
            ["python imaplib"] = [],
        };
        for (var round = 0; round < rounds; round++)
        {
            results["raw socket"].Add(await RawSocketAsync(port, folder).ConfigureAwait(false));
            results["MailKit"].Add(await MailKitAsync(port, folder, batch: int.MaxValue).ConfigureAwait(false));
            results["MailKit 500/cmd"].Add(await MailKitAsync(port, folder, batch: 500).ConfigureAwait(false));
            results["python imaplib"].Add(await PythonAsync(python, port, folder).ConfigureAwait(false));
        }

        var best = results.ToDictionary(r => r.Key, r => r.Value.MaxBy(x => x.Messages / x.Seconds));
        var limit = best["raw socket"].Messages / best["raw socket"].Seconds;
        Console.WriteLine($"best of {rounds} rounds, UID FETCH 1:* BODY.PEEK[] over plain IMAP on {Host}:{port}");
        Console.WriteLine($"{"reader",-16} {"messages/s",12} {"MB/s",8} {"vs raw",8}");
        foreach (var (name, r) in best)
        {
            var rate = r.Messages / r.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-16} {rate,12:F0} {r.Bytes / r.Seconds / 1024 / 1024,8:F1} {rate / limit,8:P0}"));
            if (r.Messages != messages)
                Console.WriteLine($"  warning: {name} saw {r.Messages} messages, expected {messages}");
        }
        return 0;
    }

    internal static async Task<ImapClient> ConnectAsync(int port)
    {
        var client = new SpoolingImapClient(SpoolOptions.Default);
        await client.ConnectAsync(Host, port, SecureSocketOptions.None).ConfigureAwait(false);
        await client.AuthenticateAsync(User, Password).ConfigureAwait(false);
        return client;
    }

    /// <summary>Makes <paramref name="folder"/> hold exactly <paramref name="count"/> benchmark messages (plus <paramref name="extra"/>); returns their total size.</summary>
    internal static async Task<long> SeedAsync(int port, string folder, int count, IReadOnlyList<Func<Stream>>? extra = null)
    {
        using var client = await ConnectAsync(port).ConfigureAwait(false);
        var expected = count + (extra?.Count ?? 0);
        try
        {
            var existing = await ImapFolders.GetAsync(client, folder).ConfigureAwait(false);
            if (existing.Exists)
            {
                await existing.OpenAsync(FolderAccess.ReadOnly).ConfigureAwait(false);
                if (existing.Count == expected)
                    return (await existing.FetchAsync(0, -1, MessageSummaryItems.Size).ConfigureAwait(false)).Sum(s => (long)(s.Size ?? 0));
                await existing.CloseAsync().ConfigureAwait(false);
                await existing.DeleteAsync().ConfigureAwait(false);
            }
        }
        catch (FolderNotFoundException)
        {
            // The folder does not exist yet.
        }
        var target = await ImapFolders.GetOrCreateAsync(client, folder).ConfigureAwait(false);
        await target.OpenAsync(FolderAccess.ReadWrite).ConfigureAwait(false);
        long total = 0;
        for (var start = 0; start < count; start += 500)
        {
            var batch = new List<IAppendRequest>();
            for (var i = start; i < Math.Min(count, start + 500); i++)
            {
                var bytes = Message(i);
                total += bytes.Length;
                batch.Add(new AppendRequest(await MimeMessage.LoadAsync(new MemoryStream(bytes)).ConfigureAwait(false)));
            }
            await target.AppendAsync(batch).ConfigureAwait(false);
        }
        foreach (var open in extra ?? [])
        {
            await using var stream = open();
            total += stream.Length;
            using var message = await MimeMessage.LoadAsync(stream, persistent: true).ConfigureAwait(false);
            await target.AppendAsync(new AppendRequest(message)).ConfigureAwait(false);
        }
        return total;
    }

    // ~10 KB text message with a realistic header block.
    private static byte[] Message(int i)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"From: Customer {i % 20 + 1} <customer{i % 20 + 1}@example.test>\r\n");
        sb.Append("To: support@example.test\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Subject: Benchmark message {i}\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Message-ID: <bench-{i}@example.test>\r\n");
        sb.Append("Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        while (sb.Length < 10_000)
            sb.Append("The quick brown fox jumps over the lazy dog while the ticket waits for an answer.\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    // As intake reads: UID SEARCH, then UID FETCH BODY.PEEK[] of the UIDs, each message handed over as its literal arrives.
    internal static async Task<(int, long, double)> MailKitAsync(int port, string folder, int batch)
    {
        using var client = await ConnectAsync(port).ConfigureAwait(false);
        var imap = (ImapFolder)await ImapFolders.GetAsync(client, folder).ConfigureAwait(false);
        await imap.OpenAsync(FolderAccess.ReadOnly).ConfigureAwait(false);
        var buffer = new byte[81920];
        var messages = 0;
        long bytes = 0;
        var watch = Stopwatch.StartNew();
        var uids = await imap.SearchAsync(MailKit.Search.SearchQuery.All).ConfigureAwait(false);
        foreach (var chunk in uids.Chunk(Math.Min(batch, Math.Max(uids.Count, 1))))
        {
            await imap.GetStreamsAsync(chunk, async (_, _, _, stream, cancellationToken) =>
            {
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    bytes += n;
                messages++;
            }).ConfigureAwait(false);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await client.DisconnectAsync(true).ConfigureAwait(false);
        return (messages, bytes, seconds);
    }

    // The practical limit: send the command and count bytes until the tagged completion, parsing nothing.
    internal static async Task<(int, long, double)> RawSocketAsync(int port, string folder)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(Host, port).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[256 * 1024];
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"a LOGIN \"{User}\" \"{Password}\"\r\nb EXAMINE \"{folder}\"\r\n")).ConfigureAwait(false);
        await ReadUntilAsync(stream, buffer, "\r\nb OK"u8.ToArray()).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        await stream.WriteAsync("c UID FETCH 1:* BODY.PEEK[]\r\n"u8.ToArray()).ConfigureAwait(false);
        var (bytes, messages) = await ReadUntilAsync(stream, buffer, "\r\nc OK"u8.ToArray()).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        await stream.WriteAsync("d LOGOUT\r\n"u8.ToArray()).ConfigureAwait(false);
        return (messages, bytes, seconds);
    }

    private static async Task<(long Bytes, int Fetches)> ReadUntilAsync(NetworkStream stream, byte[] buffer, byte[] marker)
    {
        long total = 0;
        var fetches = 0;
        var tail = Array.Empty<byte>();
        var fetchMarker = " FETCH ("u8.ToArray();
        while (true)
        {
            var n = await stream.ReadAsync(buffer).ConfigureAwait(false);
            if (n == 0)
                throw new IOException("server closed the connection");
            total += n;
            // Count on the seam too, so markers split across reads are found.
            var window = tail.Concat(buffer.Take(n)).ToArray();
            fetches += Count(window.AsSpan(tail.Length > fetchMarker.Length ? tail.Length - fetchMarker.Length + 1 : 0), fetchMarker);
            if (window.AsSpan().IndexOf(marker) >= 0)
                return (total, fetches);
            tail = window[Math.Max(0, window.Length - 64)..];
        }
    }

    private static int Count(ReadOnlySpan<byte> data, ReadOnlySpan<byte> marker)
    {
        var count = 0;
        int i;
        while ((i = data.IndexOf(marker)) >= 0)
        {
            count++;
            data = data[(i + marker.Length)..];
        }
        return count;
    }

    internal static async Task<(int, long, double)> PythonAsync(string python, int port, string folder)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "scripts", "imap_fetch.py");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, Host, port.ToString(CultureInfo.InvariantCulture), User, Password, folder })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + python);
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        var error = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"imap_fetch.py failed: {error}");
        var parts = output.Trim().Split(' ');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        int.TryParse(StringOption(args, name, null), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string StringOption(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback!;
    }
}
