namespace TicketWorker.Configuration;

/// <summary>The configuration cannot be used; every error is listed with its location.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    public ConfigException(ConfigError error) : this([error]) { }
}
