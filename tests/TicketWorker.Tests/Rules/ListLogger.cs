using Microsoft.Extensions.Logging.Testing;

namespace TicketWorker.Tests.Rules;

/// <summary>
/// The testing package's <see cref="FakeLogger"/>, with the formatted messages as the tests read them.
/// </summary>
public sealed class ListLogger : FakeLogger
{
    public IReadOnlyList<string> Messages => [.. Collector.GetSnapshot().Select(r => r.Message)];
}
