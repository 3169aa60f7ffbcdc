namespace TicketWorker.Mail.Imap;

/// <summary>How <see cref="ImapClient.MoveAsync"/> moves messages.</summary>
public enum ImapMoveStrategy
{
    /// <summary>UID MOVE when the server offers MOVE, otherwise the COPY fallback.</summary>
    Auto,

    /// <summary>UID MOVE (RFC 6851).</summary>
    Move,

    /// <summary>UID COPY, UID STORE +FLAGS.SILENT (\Deleted), UID EXPUNGE (RFC 4315 UIDPLUS).</summary>
    CopyAndExpunge,
}
