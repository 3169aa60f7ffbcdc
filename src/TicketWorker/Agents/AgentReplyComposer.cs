using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using TicketWorker.Mail.Writing;
using TicketWorker.Replies;
using TicketWorker.Storage;

namespace TicketWorker.Agents;

/// <summary>
/// The pure parts of relaying an agent's answer to the customer: who gets it, how it threads into the
/// customer's conversation, and how the agent's inline images are placed in the rendered HTML.
/// </summary>
public static partial class AgentReplyComposer
{
    /// <summary>
    /// Put after the agent's text in the template's <c>body</c>; replaced by the inline images in the HTML
    /// part and removed from the text part, so the images sit right after the answer whatever the template.
    /// </summary>
    internal const string ImagesMarker = "TWINLINEIMAGES7c1e0d2a";

    /// <summary>
    /// The customer in To; in Cc the people the customer copied (To/Cc of the customer's own mails on the
    /// ticket): never one of our addresses, never an agent, nothing that cannot be written as 7-bit mail.
    /// Only the customer's own mails count: a mail that merely claims an agent's From (unverified) or a
    /// stranger's cannot add a recipient of the agents' answers.
    /// </summary>
    public static (IReadOnlyList<OutgoingAddress> To, IReadOnlyList<OutgoingAddress> Cc) Recipients(
        TicketRecord ticket, IEnumerable<MessageRecord> messages, Func<string, bool> isOursOrAgent)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(isOursOrAgent);
        var customer = ticket.CustomerAddress.Trim();
        IReadOnlyList<OutgoingAddress> to = OutgoingAddress.IsWritable(customer) && !isOursOrAgent(customer)
            ? [new OutgoingAddress(string.IsNullOrWhiteSpace(ticket.CustomerName) ? null : ticket.CustomerName, customer)]
            : [];
        var cc = messages
            .Where(m => m.Direction == MessageDirection.Inbound && m.Kind == "customer" && string.Equals(m.From.Trim(), customer, StringComparison.OrdinalIgnoreCase))
            .SelectMany(m => m.To.Concat(m.Cc))
            .Select(a => a.Trim())
            .Where(a => !string.Equals(a, customer, StringComparison.OrdinalIgnoreCase) && OutgoingAddress.IsWritable(a) && !isOursOrAgent(a))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(OutgoingAddress.Of)
            .ToList();
        return (to, cc);
    }

    /// <summary>
    /// RFC 5322 §3.6.4 threading into the customer's conversation: In-Reply-To is the customer's latest
    /// mail; References the customer's first mail's own chain, then every mail the customer saw or wrote
    /// (their mails, our acknowledgement and relayed answers), oldest first; agents' notifications and
    /// notes never appear. Long chains keep the root and the most recent ids.
    /// </summary>
    public static MailThread Thread(IReadOnlyList<MessageRecord> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        static bool FromCustomer(MessageRecord m) => m.Direction == MessageDirection.Inbound && m.Kind == "customer";
        var visible = messages.Where(m => FromCustomer(m) || (m.Direction == MessageDirection.Outbound && m.Kind is "ack" or "agent")).ToList();
        var parent = messages.LastOrDefault(FromCustomer);
        var first = messages.FirstOrDefault(FromCustomer);
        var chain = new List<string>();
        if (first is not null) chain.AddRange(first.References);
        chain.AddRange(visible.Select(m => m.MessageId));
        chain = chain.Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (parent is not null)
        {
            chain.Remove(parent.MessageId);
            chain.Add(parent.MessageId);
        }
        if (chain.Count > MailThread.MaxReferences) chain = [chain[0], .. chain.TakeLast(MailThread.MaxReferences - 1)];
        return new MailThread(parent?.MessageId, chain);
    }

    /// <summary>The template's body value: the answer, and the marker where inline images go when there are any.</summary>
    public static string Body(string answer, bool hasInlineImages) => hasInlineImages ? answer.TrimEnd() + "\n\n" + ImagesMarker : answer;

    /// <summary>
    /// Replaces the marker: in the HTML by <c>&lt;img src="cid:…"&gt;</c> for each inline image (RFC 2392),
    /// in the text by nothing. Without the marker in the HTML (a template that does not show the body)
    /// the images go before <c>&lt;/body&gt;</c>; without HTML at all a minimal HTML part is made.
    /// </summary>
    public static AckContent PlaceImages(AckContent content, IReadOnlyList<(string ContentId, string FileName)> images)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = BlankLines().Replace(content.Text.Replace(ImagesMarker, "", StringComparison.Ordinal), "\n\n").Trim() + "\n";
        if (images.Count == 0) return content with { Text = text, Html = content.Html?.Replace(ImagesMarker, "", StringComparison.Ordinal) };
        var tags = string.Concat(images.Select(i =>
            $"<img src=\"cid:{WebUtility.HtmlEncode(i.ContentId)}\" alt=\"{WebUtility.HtmlEncode(i.FileName)}\" style=\"max-width: 100%;\">"));
        string html;
        if (content.Html is null)
        {
            var b = new StringBuilder("<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"></head>\n<body>\n");
            foreach (var p in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                b.Append("<p>").Append(string.Join("<br>\n", p.Split('\n').Select(WebUtility.HtmlEncode))).Append("</p>\n");
            html = b.Append("<p>").Append(tags).Append("</p>\n</body>\n</html>\n").ToString();
        }
        else if (content.Html.Contains(ImagesMarker, StringComparison.Ordinal))
            html = content.Html.Replace(ImagesMarker, tags, StringComparison.Ordinal);
        else
        {
            var end = content.Html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
            html = end < 0 ? content.Html + "<p>" + tags + "</p>" : content.Html.Insert(end, "<p>" + tags + "</p>\n");
        }
        return content with { Text = text, Html = html };
    }

    /// <summary>The built-in English answer, used until templates are configured.</summary>
    public static AckContent DefaultContent(ReplyModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new AckContent($"Re: {m.Subject} {m.TicketTag}", $"{m.Body}\n\n{m.AgentName}\n", null, "en");
    }

    [GeneratedRegex(@"\n[ \t]*\n(?:[ \t]*\n)+", RegexOptions.CultureInvariant, 100)]
    private static partial Regex BlankLines();
}
