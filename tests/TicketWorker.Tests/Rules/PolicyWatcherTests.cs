using TicketWorker.Rules;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Rules;

public class PolicyWatcherTests
{
    private const string ToSupport = """
        agents:
          - email: a1@example.test
            teams: [support]
          - email: s1@example.test
            teams: [sales]
        rules:
          - name: route
            then: { team: support }
        """;

    private RoutingHarness _h = null!;
    private ListLogger _log = null!;
    private PolicyWatcher _watcher = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await RoutingHarness.StartAsync(ToSupport);
        _log = new ListLogger();
        _watcher = new PolicyWatcher(_h.App.Policy, _log, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50));
    }

    [TearDown]
    public void TearDown()
    {
        _watcher.Dispose();
        _h.Dispose();
    }

    [Test]
    public async Task AnEditRoutesTheNextMessageByTheNewRules()
    {
        await _h.IngestAsync(Mails.Customer("ann@example.org", "One", "w1@example.org"));
        _h.WriteRules(ToSupport.Replace("team: support }", "team: sales }"));

        Assert.That(await _watcher.RunOnceAsync(), Is.True);
        await _h.IngestAsync(Mails.Customer("ann@example.org", "Two", "w2@example.org"));

        Assert.That(((await _h.TicketAsync(1)).Team, (await _h.TicketAsync(2)).Team), Is.EqualTo(("support", "sales")));
    }

    [Test]
    public async Task ABrokenEditChangesNothingAndIsReportedOnceWithAllItsErrors()
    {
        _h.WriteRules(ToSupport.Replace("team: support }", "team: nobody, priority: critical }"));

        Assert.That(await _watcher.RunOnceAsync(), Is.False);
        Assert.That(await _watcher.RunOnceAsync(), Is.False);
        await _h.IngestAsync(Mails.Customer("ann@example.org", "One", "w1@example.org"));

        Assert.That((await _h.TicketAsync(1)).Team, Is.EqualTo("support"));
        Assert.That(_watcher.LastErrors.Select(e => (e.Line, e.Column)), Is.EqualTo(new[] { (8, 19), (8, 37) }));
        var reports = _log.Messages.Where(m => m.Contains("rejected")).ToList();
        Assert.That(reports, Has.Count.EqualTo(1));
        Assert.That(reports[0], Does.Contain("rules.yaml:8:19: unknown team 'nobody'").And.Contain("rules.yaml:8:37: priority must be one of"));
    }

    [Test]
    public async Task AnUnchangedFileIsNotReloaded() => Assert.That(await _watcher.RunOnceAsync(), Is.False);

    [Test, CancelAfter(30_000)]
    public async Task TheRunningWatcherPicksUpAnEditWithoutBeingAsked(CancellationToken cancellationToken)
    {
        await _watcher.StartAsync(cancellationToken);
        try
        {
            _h.WriteRules(ToSupport.Replace("team: support }", "team: sales }"));
            // Bounded wait: the watcher event or the 100 ms periodic check reloads well within it.
            for (var i = 0; i < 200 && _h.App.Policy.Current.Rules.Single().Then.Team != "sales"; i++)
                await Task.Delay(50, cancellationToken);
            Assert.That(_h.App.Policy.Current.Rules.Single().Then.Team, Is.EqualTo("sales"));
        }
        finally
        {
            await _watcher.StopAsync(CancellationToken.None);
        }
    }
}
