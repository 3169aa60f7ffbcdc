using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace TicketWorker.Observability;

/// <summary>Registers metrics: the gauge sampler, and the OTLP exporter when <c>Telemetry:OtlpEndpoint</c> is set.</summary>
public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="MetricsSampler"/> (a hosted service: only <c>run</c> starts it) and, with an
    /// OTLP endpoint in <paramref name="configuration"/>, an OpenTelemetry meter provider exporting the
    /// <c>TicketWorker</c> meter over OTLP/HTTP (protobuf) to <c>{endpoint}/v1/metrics</c>.
    /// </summary>
    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<MetricsSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsSampler>());
        var telemetry = new TelemetryOptions();
        configuration.GetSection("TicketWorker:Telemetry").Bind(telemetry);
        if (OtlpMetricsUri(telemetry.OtlpEndpoint) is not { } endpoint) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("ticketworker", serviceVersion: typeof(TicketWorkerMetrics).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => metrics
                .AddMeter(TicketWorkerMetrics.MeterName)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                    exporter.Endpoint = endpoint;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds =
                        (int)Math.Clamp(telemetry.ExportInterval.TotalMilliseconds, 100, int.MaxValue);
                }));
        return services;
    }

    /// <summary>
    /// The URL metrics are posted to: the endpoint as given when it names a path, else its
    /// <c>/v1/metrics</c> (OTLP/HTTP, as the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> does); null when unset or not a URL.
    /// </summary>
    public static Uri? OtlpMetricsUri(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) return null;
        return uri.AbsolutePath is "" or "/" ? new Uri(uri, "/v1/metrics") : uri;
    }
}
