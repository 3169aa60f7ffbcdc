using TicketWorker.Classification;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Classification;

/// <summary>
/// The classifier over sisimai's set of real bounces. How the special reasons are judged:
/// <c>vacation</c> rows must be auto-replies; <c>feedback</c> (ARF abuse reports) are machine reports
/// about mail we sent, not delivery failures, so they are auto-replies (never answered, and they do
/// not mark our outbound mail failed); <c>delivered</c> DSNs report success, so they are auto-replies
/// too. Every other reason is a delivery failure and must be a bounce.
/// </summary>
public class SisimaiCorpusTests
{
    private static readonly MessageClassifier Classifier = new(_ => false);

    private static async Task<MessageKind> ClassifyFile(string path)
    {
        var message = await MessageReader.ReadAsync(path);
        return Classifier.Classify(message).Kind;
    }

    [Test]
    public async Task BouncesAreBouncesAndNothingAutomaticWouldBeAnswered()
    {
        var root = Path.GetDirectoryName(Corpus.Require("sisimai/maildir"))!;
        var rows = File.ReadLines(Path.Combine(root, "expected-go-sisimai.tsv")).Skip(1)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length >= 5)
            .GroupBy(f => f[0]) // one verdict per file: the first recipient's reason
            .Select(g => (File: g.Key, Reason: g.First()[4]))
            .ToList();

        var table = new Dictionary<(string Expected, MessageKind Actual), int>();
        var bounceRows = 0;
        var bounces = 0;
        var answered = new List<string>();
        var wrongVacations = new List<string>();
        foreach (var (file, reason) in rows)
        {
            var kind = await ClassifyFile(Path.Combine(root, file));
            var expected = reason switch { "vacation" => "vacation", "feedback" => "feedback", "delivered" => "delivered", _ => "bounce" };
            table[(expected, kind)] = table.GetValueOrDefault((expected, kind)) + 1;
            if (expected == "bounce") { bounceRows++; if (kind == MessageKind.Bounce) bounces++; }
            if (expected == "vacation" && kind != MessageKind.AutoReply) wrongVacations.Add(file);
            if (!kind.NeverAnswer()) answered.Add($"{file} ({reason} → {kind})");
        }

        TestContext.Out.WriteLine($"sisimai: {rows.Count} files with expectations; confusion (expected → classified):");
        foreach (var ((expected, actual), count) in table.OrderBy(e => e.Key.Expected).ThenBy(e => e.Key.Actual))
            TestContext.Out.WriteLine($"  {expected,-10} → {actual,-10} {count,5}");
        var rate = (double)bounces / bounceRows;
        TestContext.Out.WriteLine($"bounce rows classified as bounces: {bounces}/{bounceRows} = {rate:P1}");
        foreach (var a in answered) TestContext.Out.WriteLine("  would be answered: " + a);

        Assert.Multiple(() =>
        {
            Assert.That(rate, Is.GreaterThanOrEqualTo(0.98));
            Assert.That(wrongVacations, Is.Empty, "vacation replies not classified as auto-replies");
            Assert.That(answered, Is.Empty, "bounces or auto-replies that would get an acknowledgement");
        });
    }

    [Test]
    public async Task MailThatIsNotABounceIsNotClassifiedAsOne()
    {
        var folder = Corpus.Require("sisimai/maildir/not");
        foreach (var file in Directory.GetFiles(folder))
        {
            var kind = await ClassifyFile(file);
            TestContext.Out.WriteLine($"{Path.GetFileName(file)} → {kind}");
            Assert.That(kind, Is.Not.EqualTo(MessageKind.Bounce), file);
        }
    }
}
