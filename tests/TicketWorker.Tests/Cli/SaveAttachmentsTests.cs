using TicketWorker.Cli;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Cli;

/// <summary><c>tickets show N --save-attachments DIR</c>: decoded from the stored raw mail, safe names, nothing overwritten.</summary>
public class SaveAttachmentsTests
{
    private const string Mail = """
        From: Ann <customer1@example.test>
        To: support@example.test
        Subject: Scans attached
        Message-ID: <att1@example.test>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b"

        --b
        Content-Type: text/plain

        See the files.
        --b
        Content-Type: application/pdf; name="report.pdf"
        Content-Disposition: attachment; filename="report.pdf"
        Content-Transfer-Encoding: base64

        Zmlyc3Q=
        --b
        Content-Type: application/pdf; name="report.pdf"
        Content-Disposition: attachment; filename="report.pdf"
        Content-Transfer-Encoding: base64

        c2Vjb25k
        --b
        Content-Type: text/plain; name="../../../etc/passwd"
        Content-Disposition: attachment; filename="../../../etc/passwd"

        not a password file
        --b
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename="..\\..\\Windows\\evil.bat"
        Content-Transfer-Encoding: base64

        QGVjaG8gb2Zm
        --b
        Content-Type: application/pdf
        Content-Disposition: attachment
        Content-Transfer-Encoding: base64

        dW5uYW1lZA==
        --b--

        """;

    private IngestHarness _h = null!;
    private TempDirectory _out = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await IngestHarness.StartAsync();
        _out = new TempDirectory();
    }

    [TearDown]
    public void TearDown()
    {
        _out.Dispose();
        _h.Dispose();
    }

    private Task<(int Code, string Output, string Errors)> RunAsync(params string[] args) => CliCommand.RunAsync(_h.App.Folder.Directory, args);

    [Test]
    public async Task AttachmentsAreWrittenDecodedWithSafeNumberedNamesAndNothingIsOverwritten()
    {
        await _h.IngestAsync(Mail);
        var target = Path.Combine(_out.Path, "ticket-1");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "report.pdf"), "kept");

        var (code, output, errors) = await RunAsync("tickets", "show", "1", "--save-attachments", target);

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors);
        Assert.That(Directory.GetFiles(target).Select(Path.GetFileName), Is.EquivalentTo(new[]
        {
            "report.pdf", "report (2).pdf", "report (3).pdf", "passwd", "evil.bat", "attachment-5.pdf",
        }));
        Assert.That(File.ReadAllText(Path.Combine(target, "report.pdf")), Is.EqualTo("kept"));
        Assert.That(File.ReadAllText(Path.Combine(target, "report (2).pdf")), Is.EqualTo("first"));
        Assert.That(File.ReadAllText(Path.Combine(target, "report (3).pdf")), Is.EqualTo("second"));
        Assert.That(File.ReadAllText(Path.Combine(target, "evil.bat")), Is.EqualTo("@echo off"));
        Assert.That(File.ReadAllText(Path.Combine(target, "attachment-5.pdf")), Is.EqualTo("unnamed"));
        Assert.That(Directory.GetFileSystemEntries(_out.Path), Is.EqualTo(new[] { target }), "nothing was written outside the folder");
        Assert.That(output, Does.Contain($"wrote {Path.Combine(target, "passwd")} (").And.Contain("from \"../../../etc/passwd\"")
            .And.Contain($"ticket #1: 5 attachment(s) written to {target}"));
    }

    [Test]
    public async Task AMissingFolderIsCreated()
    {
        await _h.IngestAsync(Mail);
        var target = Path.Combine(_out.Path, "a", "b");

        var (code, _, errors) = await RunAsync("tickets", "show", "1", "--save-attachments", target);

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors);
        Assert.That(Directory.GetFiles(target), Has.Length.EqualTo(5));
    }

    [Test]
    public async Task AnUnknownTicketIsAOneLineError()
    {
        var (code, _, errors) = await RunAsync("tickets", "show", "7", "--save-attachments", _out.Path);

        Assert.That((code, errors.Trim()), Is.EqualTo((CliApp.UserError, "error: there is no ticket 7")));
    }

    [TestCase("report.pdf", "report.pdf")]
    [TestCase("../../etc/passwd", "passwd")]
    [TestCase(@"C:\Users\ann\scan.png", "scan.png")]
    [TestCase("..", "attachment-3.bin")]
    [TestCase("...hidden", "hidden")]
    [TestCase("a\u0000b\u0007c.txt", "a_b_c.txt")]
    [TestCase("what?<>|\".txt", "what_____.txt")]
    [TestCase("name\u202Efdp.exe", "name_fdp.exe")]
    [TestCase("   ", "attachment-3.bin")]
    [TestCase(null, "attachment-3.bin")]
    public void SafeNameKeepsTheFileInsideTheFolder(string? name, string expected) =>
        Assert.That(AttachmentSaver.SafeName(name, "application/octet-stream", 3), Is.EqualTo(expected));

    [Test]
    public void AVeryLongNameIsShortenedKeepingItsExtension()
    {
        var name = AttachmentSaver.SafeName(new string('ж', 300) + ".pdf", "application/pdf", 1);

        Assert.That(System.Text.Encoding.UTF8.GetByteCount(name), Is.LessThanOrEqualTo(200));
        Assert.That(name, Does.EndWith("ж.pdf"));
    }
}
