namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// One of the two IMAP servers of the test stack: "default" (namespace "" with "/", every
/// extension) and "hosted" (prefix "INBOX." with ".", no MOVE, LITERAL+ or UNSELECT, as many hosted
/// servers). Integration test fixtures take the name as their parameter.
/// </summary>
public sealed record ImapProfile(string Name)
{
    public const string DefaultName = "default";
    public const string HostedName = "hosted";

    /// <summary>The STARTTLS port of this profile's Dovecot.</summary>
    public int Port => Name == HostedName ? MailStack.HostedImapPort : MailStack.ImapPort;

    /// <summary>The mailstack.sh verbs that stop and start only this profile's server.</summary>
    public (string Down, string Up) RestartVerbs => Name == HostedName ? ("hosted-down", "hosted-up") : ("down", "up");

    public static ImapProfile Of(string name) => name switch
    {
        DefaultName or HostedName => new ImapProfile(name),
        _ => throw new ArgumentException($"unknown IMAP profile '{name}'", nameof(name)),
    };

    public override string ToString() => Name;
}
