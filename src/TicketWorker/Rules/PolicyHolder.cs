namespace TicketWorker.Rules;

/// <summary>
/// The support policy in force. Reloading replaces it atomically; a broken file leaves the last
/// good policy in force (the caller reports the errors).
/// </summary>
public sealed class PolicyHolder(string path, SupportPolicy initial)
{
    private volatile SupportPolicy _current = initial;

    public string Path { get; } = path;
    public SupportPolicy Current => _current;

    /// <summary>Loads the file; throws <see cref="Configuration.ConfigException"/> when it is broken.</summary>
    public static PolicyHolder Load(string path) => new(path, PolicyLoader.Load(path));

    /// <summary>
    /// Raised after <see cref="Reload"/> put a new policy in force, with the policy before and after; handlers only
    /// take note (the scheduler reschedules on its own loop) and must not throw.
    /// </summary>
    public event Action<SupportPolicy, SupportPolicy>? Changed;

    /// <summary>Re-reads the file; on errors keeps the current policy and rethrows.</summary>
    public void Reload()
    {
        var before = _current;
        _current = PolicyLoader.Load(Path);
        Changed?.Invoke(before, _current);
    }
}
