namespace TicketWorker.Mail.Imap;

/// <summary>
/// The head of one server response. Status responses, EXISTS/EXPUNGE/RECENT, FLAGS and CAPABILITY are
/// read completely (<see cref="IsComplete"/>); for other data (FETCH, SEARCH, LIST …) the reader stands
/// after the keyword and the command's handler reads the rest.
/// </summary>
internal sealed record ImapResponse(
    ImapResponseKind Kind,
    string? Tag,
    ImapStatus Status,
    string Keyword,
    uint Number,
    ImapResponseCode? Code,
    string Text,
    bool IsComplete)
{
    public override string ToString() => Kind switch
    {
        ImapResponseKind.Continuation => "+ " + Text,
        ImapResponseKind.Tagged => $"{Tag} {Keyword} {(Code is null ? "" : "[" + Code + "] ")}{Text}",
        _ => Status != ImapStatus.None
            ? $"* {Keyword} {(Code is null ? "" : "[" + Code + "] ")}{Text}"
            : Number > 0 || Keyword is "EXISTS" or "EXPUNGE" or "RECENT" or "FETCH" ? $"* {Number} {Keyword}" : "* " + Keyword,
    };
}
