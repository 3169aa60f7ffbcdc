using MailKit;
using MailKit.Net.Imap;

namespace TicketWorker.Mail.Imap;

/// <summary>An IMAP client whose folders spool large fetched literals to disk (see <see cref="SpoolingImapFolder"/>).</summary>
public sealed class SpoolingImapClient : ImapClient
{
    private readonly SpoolOptions _spool;

    /// <summary>Creates a client, with a protocol log when <paramref name="protocolLogger"/> is given.</summary>
    public SpoolingImapClient(SpoolOptions spool, IProtocolLogger? protocolLogger = null)
        : base(protocolLogger ?? new NullProtocolLogger())
    {
        _spool = spool;
    }

    /// <summary>What this client's folders spool, and where.</summary>
    public SpoolOptions Spool => _spool;

    /// <inheritdoc />
    protected override ImapFolder CreateImapFolder(ImapFolderConstructorArgs args) => new SpoolingImapFolder(args, _spool);
}
