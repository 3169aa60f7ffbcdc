using System.Xml.Linq;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Corpus;

/// <summary>
/// mime4j's testmsgs: NAME_decoded.xml mirrors the MIME tree and names, per leaf, the file with its
/// decoded body (NAME_decoded_&lt;1-based path&gt;.txt/.bin); our decoded content must equal it byte for byte.
/// </summary>
public class Mime4jCorpusTests
{
    private const string Corpus = "mime4j";

    [Test]
    public async Task DecodedPartBodiesMatchByteForByte()
    {
        var dir = Path.Combine(CorpusLocator.Require(Corpus), "testmsgs");
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
            using var message = await MimeMessage.ParseAsync(stream);
            var root = XDocument.Load(expectedXml).Root!;
            Compare(root, message.Body, dir, name, tally);
        }

        tally.Report();
        Assert.That(tally.Compared, Is.GreaterThan(30));
        Assert.That(tally.Rate, Is.GreaterThanOrEqualTo(0.98));
    }

    /// <summary>Walks a &lt;message&gt; or &lt;body-part&gt; element alongside our entity.</summary>
    private static void Compare(XElement container, MimeEntity? entity, string dir, string msg, MatchTally tally)
    {
        foreach (var element in container.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "text-body" or "binary-body":
                    var file = (string)element.Attribute("name")!;
                    var expected = File.ReadAllBytes(Path.Combine(dir, file));
                    var actual = entity is { IsMultipart: false } ? entity.GetContentBytes() : null;
                    tally.Record(actual is not null && actual.AsSpan().SequenceEqual(expected), $"{file} ({actual?.Length.ToString() ?? "no part"} vs {expected.Length} bytes)");
                    break;
                case "multipart":
                    var parts = element.Elements("body-part").ToList();
                    var children = entity?.Children ?? [];
                    for (var i = 0; i < parts.Count; i++) Compare(parts[i], i < children.Count ? children[i] : null, dir, msg, tally);
                    if (children.Count != parts.Count) TestContext.Out.WriteLine($"  {msg}: {children.Count} parts, expected {parts.Count}");
                    break;
                case "message":
                    Compare(element, entity?.EmbeddedMessage?.Body, dir, msg, tally);
                    break;
            }
        }
    }
}
