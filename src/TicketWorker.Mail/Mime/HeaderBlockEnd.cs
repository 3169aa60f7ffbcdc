namespace TicketWorker.Mail.Mime;

/// <summary>What ended a header block.</summary>
internal enum HeaderBlockEnd
{
    BlankLine,
    Boundary,
    EndOfInput,
}
