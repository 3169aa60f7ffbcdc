using TicketWorker.Escalation;
using TicketWorker.Replies;
using TicketWorker.Threading;

namespace TicketWorker.Tests.Replies;

public class AckTemplatesTests
{
    private static readonly AckModel PersianMail = new(7, "درخواست [#7]", "sara@example.org", "Sara", "درخواست",
        "سلام، چاپگر من کار نمی‌کند.", null, new DateTimeOffset(2026, 3, 23, 8, 0, 0, TimeSpan.Zero));

    [Test]
    public void PersianCustomerGetsPersianAcknowledgementWithTheCalendarEstimate()
    {
        var renderer = TemplateRenderer.Load(TemplateFolder.Shipped());
        var phrase = new EstimatePhrase(EstimatePhraseKind.DateTime, new DateTimeOffset(2026, 3, 24, 14, 0, 0, TimeSpan.FromHours(1)), "Europe/Berlin", 1);
        var render = AckTemplates.Renderer(renderer, new SubjectTag(), _ => AckTemplates.ToEstimateModel(phrase));

        var content = render(PersianMail);

        Assert.That(content.Language, Is.EqualTo("fa"));
        Assert.That(content.Subject, Is.EqualTo("Re: درخواست [#7]"));
        Assert.That(content.Html, Does.Contain("dir=\"rtl\""));
        Assert.That(content.Text, Does.Contain("تا سه\u200Cشنبه ۴ فروردین ۱۴۰۵، ساعت ۱۴:۰۰ به وقت Europe/Berlin"));
    }

    [TestCase("en")]
    [TestCase("fa")]
    public void ScriptInTheDisplayNameIsEscapedInHtmlAndVerbatimInText(string language)
    {
        var renderer = TemplateRenderer.Load(TemplateFolder.Shipped());
        var render = AckTemplates.Renderer(renderer, new SubjectTag());

        var content = render(PersianMail with { CustomerName = "<script>alert(1)</script>", Language = language });

        Assert.That(content.Language, Is.EqualTo(language));
        Assert.That(content.Text, Does.Contain("<script>alert(1)</script>"));
        Assert.That(content.Html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.Not.Contain("<script>"));
    }

    [Test]
    public void BusinessDayPhraseBecomesBusinessDayEstimate()
    {
        var phrase = new EstimatePhrase(EstimatePhraseKind.BusinessDays, new DateTimeOffset(2026, 4, 3, 17, 0, 0, TimeSpan.FromHours(2)), "Europe/Berlin", 9);
        var model = AckTemplates.ToEstimateModel(phrase);
        Assert.That((model.AsBusinessDays, model.BusinessDays, model.Due.UtcDateTime), Is.EqualTo((true, 9, new DateTime(2026, 4, 3, 15, 0, 0))));
    }
}
