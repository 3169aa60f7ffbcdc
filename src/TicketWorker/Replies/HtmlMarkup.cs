namespace TicketWorker.Replies;

/// <summary>
/// HTML that TicketWorker produced itself (escaped paragraphs, a rendered include): written as is
/// in the HTML part, because everything inside it was escaped when it was made.
/// </summary>
internal sealed record HtmlMarkup(string Value)
{
    public override string ToString() => Value;
}
