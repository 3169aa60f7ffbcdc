using System.Xml.Linq;
using MimeKit;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading.Corpora;

/// <summary>
/// mime4j's testmsgs: NAME_decoded.xml mirrors the MIME tree and names, per leaf, the file with its
/// decoded body (NAME_decoded_&lt;1-based path&gt;.txt/.bin); the reading layer's parse (header
/// block repaired) and its decoder (base64 tail kept) must give it byte for byte.
/// </summary>
public class Mime4jCorpusTests
{
    private const string Corpus = "mime4j";

    [Test]
    public async Task DecodedPartBodiesMatchByteForByte()
    {
        var dir = Path.Combine(global::TicketWorker.Tests.Corpus.Require(Corpus), "testmsgs");
        var exclusions = CorpusExclusions.Load();
        var tally = new MatchTally(Corpus);

        foreach (var msg in Directory.EnumerateFiles(dir, "*.msg").OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(msg);
            var expectedXml = Path.ChangeExtension(msg, null) + "_decoded.xml";
            if (!File.Exists(expectedXml)) continue;
            if (exclusions.IsExcluded(Corpus, "testmsgs/" + name))
            {
                tally.RecordExcluded();
                continue;
            }
            await using var stream = File.OpenRead(msg);
            var root = XDocument.Load(expectedXml).Root!;
            await MessageReader.VisitAsync(stream, MessageReaderOptions.Default, async (message, _, _, _, _) =>
            {
                await CompareAsync(root, message.Body, dir, name, tally);
                return true;
            }, CancellationToken.None);
        }

        tally.Report();
        Assert.That(tally.Compared, Is.GreaterThan(30));
        Assert.That(tally.Rate, Is.GreaterThanOrEqualTo(1.0));
    }

    /// <summary>The message inside a message/rfc822 part; MimeKit leaves a base64-encoded one opaque, so it is decoded and parsed as the reading layer does.</summary>
    private static async Task<MimeMessage?> EmbeddedAsync(MimeEntity? entity)
    {
        if (entity is MessagePart messagePart) return messagePart.Message;
        if (entity is not MimePart part) return null;
        var bytes = await PartContent.ReadDecodedAsync(part, int.MaxValue, CancellationToken.None);
        return await MimeMessage.LoadAsync(new MemoryStream(bytes));
    }

    /// <summary>Walks a &lt;message&gt; or &lt;body-part&gt; element alongside MimeKit's entity.</summary>
    private static async Task CompareAsync(XElement container, MimeEntity? entity, string dir, string msg, MatchTally tally)
    {
        foreach (var element in container.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "text-body" or "binary-body":
                    var file = (string)element.Attribute("name")!;
                    var expected = await File.ReadAllBytesAsync(Path.Combine(dir, file));
                    var actual = entity is MimePart part ? await PartContent.ReadDecodedAsync(part, int.MaxValue, CancellationToken.None) : null;
                    tally.Record(actual is not null && actual.AsSpan().SequenceEqual(expected), $"{file} ({actual?.Length.ToString() ?? "no part"} vs {expected.Length} bytes)");
                    break;
                case "multipart":
                    var parts = element.Elements("body-part").ToList();
                    var children = entity is Multipart multipart ? multipart.ToList() : [];
                    for (var i = 0; i < parts.Count; i++) await CompareAsync(parts[i], i < children.Count ? children[i] : null, dir, msg, tally);
                    if (children.Count != parts.Count) TestContext.Out.WriteLine($"  {msg}: {children.Count} parts, expected {parts.Count}");
                    break;
                case "message":
                    await CompareAsync(element, (await EmbeddedAsync(entity))?.Body, dir, msg, tally);
                    break;
            }
        }
    }
}
