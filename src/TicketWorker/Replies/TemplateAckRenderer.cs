using TicketWorker.Threading;

namespace TicketWorker.Replies;

/// <summary>Renders the acknowledgement from the admin's templates, in the customer's language.</summary>
public sealed class TemplateAckRenderer(TemplateRenderer templates, SubjectTag tag, string defaultLanguage)
{
    public AckContent Render(AckModel m)
    {
        var language = m.Language ?? LanguageDetector.Detect(m.OriginalSubject + "\n" + m.CustomerText, m.ContentLanguage, defaultLanguage);
        var e = m.Estimate;
        var reply = templates.Render(m.TemplateName, language, new ReplyModel
        {
            TicketNumber = m.TicketNumber,
            TicketTag = tag.Format(m.TicketNumber),
            Subject = m.OriginalSubject,
            CustomerName = m.CustomerName ?? "",
            CustomerEmail = m.CustomerAddress,
            CreatedAt = m.ReceivedAt,
            Estimate = e is null ? null : new EstimateModel(e.Due, e.Phrase.TimeZoneId, e.Phrase.Kind == Escalation.EstimatePhraseKind.BusinessDays, e.Phrase.BusinessDays),
            TimeZoneId = e?.Phrase.TimeZoneId ?? "UTC",
        });
        return new AckContent(reply.Subject, reply.Text, reply.Html, reply.Language);
    }
}
