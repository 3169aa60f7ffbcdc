using TicketWorker.Cli;
using TicketWorker.Intake;

namespace TicketWorker.Tests.Cli;

/// <summary>The progress line: drawn in place on a terminal, silent elsewhere; the intake's reports reach only the flow that observes them.</summary>
public class TerminalProgressTests
{
    [Test]
    public void ProgressIsDrawnInPlaceWithThousandsSeparatorsAndEndedWithANewLine()
    {
        var writer = new StringWriter();
        var time = new FakeTime();
        using (var line = new TerminalProgress(writer, enabled: true, "messages", time))
        {
            line.Report(1234, 5000, "catching up support");
            line.Report(1300, 5000, "catching up support"); // within 200 ms of the last: not drawn
            time.Advance(TimeSpan.FromSeconds(1));
            line.Report(5000, 5000, "catching up support");
        }

        Assert.That(writer.ToString(), Is.EqualTo(
            "\rcatching up support: 1,234/5,000 messages (24 %)\u001b[K" +
            "\rcatching up support: 5,000/5,000 messages (100 %)\u001b[K" + Environment.NewLine));
    }

    [Test]
    public void OutputOnASharedTerminalAppearsAboveTheProgressLineWhichIsRedrawnBelowIt()
    {
        // Standard output and standard error on one screen: a log line, a line written in two pieces
        // with a progress report in between, a line by WriteLineAsync, then the end.
        var screen = new StringWriter();
        var terminal = new SharedTerminal();
        var output = terminal.Wrap(screen);
        var line = new TerminalProgress(screen, enabled: true, "messages", null, terminal);

        line.Report(1, 4);
        output.WriteLine("info: ticket 1 created");
        Assert.That(ScreenText.Lines(screen.ToString()), Is.EqualTo(new[] { "info: ticket 1 created", "1/4 messages (25 %)" }));

        output.Write("info: ticket 2 ");
        line.Status("2 of 4 done"); // not drawn into the middle of the log line
        Assert.That(ScreenText.Lines(screen.ToString()), Is.EqualTo(new[] { "info: ticket 1 created", "info: ticket 2 " }));
        output.Write("created\n");
        Assert.That(ScreenText.Lines(screen.ToString()), Is.EqualTo(new[] { "info: ticket 1 created", "info: ticket 2 created", "2 of 4 done" }));

        output.WriteLineAsync("{\"action\":\"created\",\"ticket\":3}").GetAwaiter().GetResult();
        line.Report(4, 4); // the last report is always drawn
        line.Done();
        output.WriteLine("4 message(s)");

        Assert.That(ScreenText.Lines(screen.ToString()), Is.EqualTo(new[]
        {
            "info: ticket 1 created", "info: ticket 2 created", "{\"action\":\"created\",\"ticket\":3}", "4/4 messages (100 %)", "4 message(s)",
        }));
    }

    [Test]
    public void ALineWithoutASharedTerminalIsDrawnAsBefore()
    {
        // Output written beside it ends up glued to it: what the shared terminal is there to prevent.
        var screen = new StringWriter();
        var line = new TerminalProgress(screen, enabled: true, "messages");

        line.Report(1, 4);
        screen.WriteLine("info: ticket 1 created");

        Assert.That(ScreenText.Lines(screen.ToString()), Is.EqualTo(new[] { "1/4 messages (25 %)info: ticket 1 created" }));
    }

    [Test]
    public void ADisabledLineWritesNothing()
    {
        var writer = new StringWriter();
        using (var line = new TerminalProgress(writer, enabled: false, "messages"))
        {
            line.Report(1, 2);
            line.Status("migrating");
        }

        Assert.That(writer.ToString(), Is.Empty);
    }

    [Test]
    public void AWriterThatIsNotStandardErrorIsNeverATerminal() =>
        Assert.That(TerminalProgress.ForStandardError("messages", new StringWriter()).Enabled, Is.False);

    [Test]
    public void ACatchUpBelowTheMinimumIsNotShownAndTheLastReportEndsTheLine()
    {
        var writer = new StringWriter();
        var progress = new IntakeProgressLine(new TerminalProgress(writer, enabled: true, "messages"), minimum: 100);

        progress.Report(new IntakeProgress("support", 1, 3));
        progress.Report(new IntakeProgress("support", 150, 150));

        Assert.That(writer.ToString(), Is.EqualTo("\rcatching up support: 150/150 messages (100 %)\u001b[K" + Environment.NewLine));
    }

    [Test]
    public async Task IntakeReportsReachTheObserverOfTheirOwnFlowOnly()
    {
        var seen = new List<IntakeProgress>();
        var observer = new Progress(seen);

        using (IntakeProgress.Observe(observer))
        {
            // The worker's loops run on the thread pool: the observer flows with them.
            await Task.Run(() => IntakeProgress.Report("support", 1, 10));
        }
        IntakeProgress.Report("support", 2, 10); // after the scope: nobody listens
        await Task.Run(() => IntakeProgress.Report("sales", 3, 10)); // another flow

        Assert.That(seen, Is.EqualTo(new[] { new IntakeProgress("support", 1, 10) }));
    }

    private sealed class Progress(List<IntakeProgress> seen) : IProgress<IntakeProgress>
    {
        public void Report(IntakeProgress value) => seen.Add(value);
    }
}
