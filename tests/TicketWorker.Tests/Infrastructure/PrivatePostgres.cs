using System.Diagnostics;
using System.Globalization;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the test's own (install/postgres.sh with its own data folder and port,
/// 15440–15449), for tests that stop and restart it: the shared server on 15432 is never touched.
/// </summary>
public sealed class PrivatePostgres(string stateDirectory, int port)
{
    public string StateDirectory { get; } = stateDirectory;
    public int Port { get; } = port;

    /// <summary>The role and database install/postgres.sh creates.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=ticketworker;Password=ticketworker;Database=ticketworker";

    public void Up() => Run("up");

    public void Down() => Run("down");

    private void Run(string verb)
    {
        var info = new ProcessStartInfo(Path.Combine(RepoRoot.Path, "install", "postgres.sh"), verb)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        info.Environment["TICKETWORKER_PG_DIR"] = StateDirectory;
        info.Environment["TICKETWORKER_PG_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000)) Assert.Fail($"postgres.sh {verb} did not finish in 180 s");
        if (p.ExitCode != 0) Assert.Fail($"postgres.sh {verb} (state {StateDirectory}, port {Port}): {output.Result}{error.Result}");
    }
}
