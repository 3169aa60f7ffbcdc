using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using TicketWorker.Observability;

namespace TicketWorker.Tests.Observability;

/// <summary>With <c>Telemetry:OtlpEndpoint</c> set, the meter is posted to a collector as OTLP/HTTP protobuf.</summary>
public class OtlpExportTests
{
    [Test]
    public async Task MetricsArePostedAsProtobufToTheConfiguredCollector()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        using var dir = new TempDirectory();
        dir.Write("config/appsettings.json", $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Telemetry": { "OtlpEndpoint": "http://127.0.0.1:{{port}}", "ExportInterval": "00:00:00.200" } } }
            """);
        dir.Write("config/rules.yaml", "agents:\n  - email: agent1@example.test\n    name: Agent One\n");
        using var app = await TestApp.OpenAsync(Path.Combine(dir.Path, "config"));
        _ = app.Get<MeterProvider>(); // what the hosted service does at start: build the provider and its reader

        TicketWorkerMetrics.Ingested("created", "otlp-test", 3);
        // Exports run every 200 ms; an early one may predate the counter, so read until it shows up.
        var requests = new List<(string Method, string Path, string? ContentType, string Body)>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && !requests.Any(r => r.Body.Contains("ticketworker.messages.ingested", StringComparison.Ordinal)))
        {
            var context = await listener.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            // Protobuf keeps strings as UTF-8 bytes: instrument, tag and service names can be searched.
            requests.Add((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, System.Text.Encoding.UTF8.GetString(body.ToArray())));
        }
        listener.Stop(); // the final export at dispose is refused at once instead of waiting for an answer

        Assert.That(requests, Is.Not.Empty);
        Assert.That(requests.Select(r => (r.Method, r.Path, r.ContentType)).Distinct(), Is.EqualTo(new[] { ("POST", "/v1/metrics", (string?)"application/x-protobuf") }));
        var exported = requests.Last().Body;
        Assert.That(exported, Does.Contain("ticketworker.messages.ingested").And.Contain("otlp-test").And.Contain("service.name"));
    }

    [TestCase("http://collector:4318", "http://collector:4318/v1/metrics")]
    [TestCase("http://collector:4318/", "http://collector:4318/v1/metrics")]
    [TestCase("https://otel.example.com/custom/path", "https://otel.example.com/custom/path")]
    public void TheEndpointGetsTheMetricsPathUnlessItNamesOne(string configured, string expected) =>
        Assert.That(ObservabilityServiceCollectionExtensions.OtlpMetricsUri(configured)?.ToString(), Is.EqualTo(expected));

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
