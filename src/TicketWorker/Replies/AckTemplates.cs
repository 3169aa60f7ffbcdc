using TicketWorker.Escalation;
using TicketWorker.Threading;

namespace TicketWorker.Replies;

/// <summary>
/// Bridges the acknowledgement flow to the templates: picks the customer's language, fills a
/// <see cref="ReplyModel"/> and renders <c>ack</c>. Throws <see cref="TemplateException"/> when the
/// template fails, so no half-rendered acknowledgement is ever queued.
/// </summary>
public static class AckTemplates
{
    /// <summary>The estimate the calendar computed, as templates take it.</summary>
    public static EstimateModel ToEstimateModel(EstimatePhrase phrase) =>
        new(phrase.LocalDue, phrase.TimeZoneId, phrase.Kind == EstimatePhraseKind.BusinessDays, phrase.BusinessDays);

    /// <summary>A render function for <see cref="Acknowledger"/>.</summary>
    /// <param name="estimate">The estimate for a ticket, or null to say "as soon as possible".</param>
    /// <param name="timeZoneId">IANA zone for other dates (the team's calendar); UTC when null.</param>
    public static Func<AckModel, AckContent> Renderer(TemplateRenderer renderer, SubjectTag tag,
        Func<AckModel, EstimateModel?>? estimate = null, string? supportAddress = null, string? timeZoneId = null) =>
        ack => Render(renderer, tag, ack, estimate is null ? (ack.Estimate is { } e ? ToEstimateModel(e.Phrase) : null) : estimate(ack), supportAddress, timeZoneId);

    /// <summary>Renders the acknowledgement for one ticket in the customer's language (with fallback).</summary>
    public static AckContent Render(TemplateRenderer renderer, SubjectTag tag, AckModel ack, EstimateModel? estimate,
        string? supportAddress = null, string? timeZoneId = null)
    {
        var language = ack.Language ?? LanguageDetector.Detect(ack.OriginalSubject, ack.CustomerText, ack.ContentLanguage, renderer.DefaultLanguage);
        var model = new ReplyModel
        {
            TicketNumber = ack.TicketNumber,
            TicketTag = tag.Format(ack.TicketNumber),
            Subject = ack.OriginalSubject,
            CustomerName = ack.CustomerName ?? "",
            CustomerEmail = ack.CustomerAddress,
            Body = ack.CustomerText,
            CreatedAt = ack.ReceivedAt,
            Estimate = estimate,
            SupportAddress = supportAddress,
            TimeZoneId = timeZoneId ?? estimate?.TimeZoneId ?? "UTC",
        };
        var reply = renderer.Render(ack.TemplateName, language, model);
        return new AckContent(reply.Subject, reply.Text, reply.Html, reply.Language);
    }
}
