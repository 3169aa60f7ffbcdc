using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

/// <summary>
/// Mutation fuzzing of the fixtures: truncations, byte flips, deletions, duplications and inserted
/// MIME tokens. Fixed seed and count, so a run is reproducible; every failure names the seed of its
/// mutation. Nothing but <see cref="MimeParseException"/> may escape parsing or reading the model.
/// </summary>
public class MimeParserFuzzTests
{
    private const int Seed = 20261123;
    private const int Mutations = 3000;

    private static readonly byte[][] Tokens =
    [
        "\r\n"u8.ToArray(), "\n"u8.ToArray(), "--"u8.ToArray(), "\r\n\r\n"u8.ToArray(), "=?utf-8?B?"u8.ToArray(), "?="u8.ToArray(),
        "\r\n--outer--\r\n"u8.ToArray(), "\n--alt-boundary\n"u8.ToArray(), "Content-Type: multipart/mixed; boundary=x\r\n"u8.ToArray(),
        "Content-Type: message/rfc822\r\n\r\n"u8.ToArray(), "Content-Transfer-Encoding: base64\n"u8.ToArray(), "=\r\n"u8.ToArray(),
        "charset*0*=utf-8''%E2%82"u8.ToArray(), [0], [0xff, 0xfe], [0xc3], "\t"u8.ToArray(), ":"u8.ToArray(), "<"u8.ToArray(), "\""u8.ToArray(),
    ];

    [Test]
    public async Task MutatedFixturesNeverThrowAnythingButMimeParseException()
    {
        var fixtures = Fixture.AllMessages().Select(p => (Name: Path.GetFileName(p), Bytes: File.ReadAllBytes(p))).ToArray();
        Assert.That(fixtures, Is.Not.Empty);
        var failures = new List<string>();
        var rejected = 0;

        for (var i = 0; i < Mutations; i++)
        {
            var seed = Seed + i;
            var random = new Random(seed);
            var (name, original) = fixtures[random.Next(fixtures.Length)];
            var (bytes, mutation) = Mutate(original, random);
            try
            {
                using var message = await Fixture.ParseBytesAsync(bytes, new MimeParserOptions { MaxDepth = 8, SpoolThreshold = 512 });
                ReadEverything(message);
            }
            catch (MimeParseException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                failures.Add($"seed {seed} ({name}, {mutation}): {e.GetType().Name}: {e.Message}");
            }
        }

        TestContext.Out.WriteLine($"{Mutations} mutations from seed {Seed}: {rejected} rejected with MimeParseException, {failures.Count} other exceptions.");
        Assert.That(failures, Is.Empty, $"base seed {Seed}; reproduce one with new Random(seed)");
    }

    private static void ReadEverything(MimeMessage message)
    {
        _ = (message.Subject, message.From, message.To, message.Cc, message.ReplyTo, message.Sender, message.Date);
        _ = (message.MessageId, message.InReplyTo, message.References, message.TextBody, message.HtmlBody);
        foreach (var attachment in message.Attachments)
        {
            _ = (attachment.FileName, attachment.Size, attachment.IsInline, attachment.ContentId);
            using var content = attachment.OpenRead();
            content.CopyTo(Stream.Null);
        }
        foreach (var part in message.AllParts())
        {
            _ = part.GetText();
            foreach (var header in part.Headers) _ = header.Value;
        }
    }

    private static (byte[] Bytes, string Description) Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var steps = new StringBuilder();
        var count = 1 + random.Next(4);
        for (var k = 0; k < count; k++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    steps.Append($"truncate@{at} ");
                    break;
                case 1:
                    for (var f = 0; f < 1 + random.Next(8) && bytes.Count > 0; f++) bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    steps.Append("flip ");
                    break;
                case 2:
                    var length = Math.Min(bytes.Count - at, random.Next(64));
                    bytes.RemoveRange(at, length);
                    steps.Append($"delete@{at}+{length} ");
                    break;
                case 3:
                    var span = Math.Min(bytes.Count - at, random.Next(200));
                    bytes.InsertRange(at, bytes.GetRange(at, span));
                    steps.Append($"duplicate@{at}+{span} ");
                    break;
                default:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    steps.Append($"insert@{at} ");
                    break;
            }
        }
        return (bytes.ToArray(), steps.ToString().Trim());
    }
}
