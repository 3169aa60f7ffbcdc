namespace TicketWorker.Observability;

/// <summary><c>TicketWorker:Telemetry</c>: where metrics go besides <c>dotnet-counters</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>An OTLP/HTTP collector (e.g. <c>http://127.0.0.1:4318</c>); metrics are posted to its <c>/v1/metrics</c>. Off when empty.</summary>
    public string? OtlpEndpoint { get; set; }
    /// <summary>How often metrics are exported over OTLP.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the gauges read from the database (quarantine size, outbox age, intake lag) are refreshed.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
