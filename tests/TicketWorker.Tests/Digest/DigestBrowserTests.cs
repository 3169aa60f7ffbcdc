using System.Diagnostics;
using MimeKit;
using SkiaSharp;
using TicketWorker.Digest;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Digest;

/// <summary>
/// The digest's HTML opened in a real browser: headless Chromium (Debian package <c>chromium</c>,
/// installed by install/test-services.sh) renders the queued mail's HTML with its inline PNG written
/// beside it; the screenshot is kept in <c>TestResults/digest/</c> under the test's work directory
/// (and attached to the test result).
/// </summary>
public class DigestBrowserTests
{
    [Test]
    public async Task TheDigestOpenedInChromiumShowsTheTablesAndTheChart()
    {
        var chromium = FindChromium();
        await using var h = await DigestHarness.StartAsync();
        var day = new DateOnly(2026, 3, 10);
        for (var i = 0; i < 14; i++)
        {
            var created = new DateTimeOffset(2026, 2, 25, 9, 0, 0, TimeSpan.Zero).AddDays(i);
            for (var n = 0; n <= i % 4; n++)
                await h.TicketAsync(n % 2 == 0 ? "agent1@example.test" : "agent2@example.test", n % 2 == 0 ? "support" : "sales",
                    Iso(created.AddMinutes(n)), Iso(created.AddHours(1 + n)), n % 3 == 0 ? Iso(created.AddHours(5 + n)) : null);
        }
        await h.Sender.QueueAsync(day, ["lead@example.test"]);
        var row = await h.App.Database.InReadAsync(tx => h.App.Outbox.FindByKeyAsync(tx, DigestSender.Key(day, "lead@example.test")));
        var (_, html, png) = DigestMailTests.Parts(MimeMessage.Load(new MemoryStream(row!.Raw)));

        // What a mail client does with cid: (RFC 2392): the inline part is the image; here a file beside the page.
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TestResults", "digest");
        Directory.CreateDirectory(folder);
        await using (var file = File.Create(Path.Combine(folder, "chart.png"))) await png.Content!.DecodeToAsync(file);
        var page = Path.Combine(folder, "digest.html");
        await File.WriteAllTextAsync(page, html.Text.Replace($"cid:{png.ContentId}", "chart.png", StringComparison.Ordinal));
        var screenshot = Path.Combine(folder, "digest-screenshot.png");
        File.Delete(screenshot);

        await ScreenshotAsync(chromium, page, screenshot, 900, 1400);

        Assert.That(File.Exists(screenshot), Is.True, "chromium wrote no screenshot");
        TestContext.AddTestAttachment(screenshot, "the digest in headless Chromium");
        using var shot = SKBitmap.Decode(screenshot);
        Assert.That((shot.Width, shot.Height), Is.EqualTo((900, 1400)));
        var pixels = shot.Pixels;
        Assert.That(pixels.Distinct().Count(), Is.GreaterThan(50), "the page is not one flat colour");
        // The tables: their header cells' background. The chart: its bars, drawn only inside the PNG.
        Assert.That(Count(pixels, 0xee, 0xf1, 0xf5), Is.GreaterThan(2000), "table header cells are visible");
        var newBars = Count(pixels, 0x2f, 0x6f, 0xb3);
        var closedBars = Count(pixels, 0x3a, 0x9a, 0x5b);
        Assert.That((newBars > 500, closedBars > 200), Is.EqualTo((true, true)), $"the chart's bars are visible ({newBars} and {closedBars} pixels)");
        // The chart region varies: the rows of pixels that hold bars are not all the same colour.
        var chartRows = Enumerable.Range(0, shot.Height).Where(y => Enumerable.Range(0, shot.Width).Any(x => Near(shot.GetPixel(x, y), 0x2f, 0x6f, 0xb3))).ToList();
        Assert.That(chartRows, Is.Not.Empty);
        var region = chartRows.SelectMany(y => Enumerable.Range(0, shot.Width).Select(x => shot.GetPixel(x, y))).Distinct().Count();
        Assert.That(region, Is.GreaterThan(10), "the chart region is not a single colour");
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static bool Near(SKColor c, byte r, byte g, byte b) => Math.Abs(c.Red - r) <= 3 && Math.Abs(c.Green - g) <= 3 && Math.Abs(c.Blue - b) <= 3;

    private static int Count(SKColor[] pixels, byte r, byte g, byte b) => pixels.Count(c => Near(c, r, g, b));

    private static string FindChromium()
    {
        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (File.Exists(candidate)) return candidate;
        Assert.Fail("headless Chromium is needed: install/test-services.sh up installs the Debian package chromium");
        return "";
    }

    private static async Task ScreenshotAsync(string chromium, string page, string screenshot, int width, int height)
    {
        using var profile = new TempDirectory();
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // --no-sandbox: the tests run as root (CI), where Chromium's sandbox refuses to start.
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                     $"--user-data-dir={profile.Path}", $"--screenshot={screenshot}", $"--window-size={width},{height}", new Uri(page).AbsoluteUri,
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish within 90 s: {await errors}");
        }
        Assert.That(process.ExitCode, Is.Zero, $"chromium failed: {await output} {await errors}");
    }
}
