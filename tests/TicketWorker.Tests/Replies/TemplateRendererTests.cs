using TicketWorker.Replies;

namespace TicketWorker.Tests.Replies;

public class TemplateRendererTests
{
    private static readonly string[] Languages = ["en", "fa", "ru", "el"];
    private static TemplateRenderer _shipped = null!;

    [OneTimeSetUp]
    public void LoadShipped() => _shipped = TemplateRenderer.Load(TemplateFolder.Shipped());

    private static IEnumerable<TestCaseData> EveryShippedTemplate() =>
        from name in TemplateNames.All from lang in Languages select new TestCaseData(name, lang).SetArgDisplayNames(name, lang);

    private static ReplyModel BerlinAck(string name = "Sara") => SampleReplyModels.WithDueTime with
    {
        CustomerName = name,
        TicketTag = "[#42]",
        Subject = "Printer",
        Estimate = new EstimateModel(new DateTimeOffset(2026, 3, 24, 13, 0, 0, TimeSpan.Zero), "Europe/Berlin"),
    };

    [Test]
    public void ShippedTemplatesLoadWithoutProblems() =>
        Assert.That(_shipped.Problems, Is.Empty);

    [TestCaseSource(nameof(EveryShippedTemplate))]
    public void EveryShippedTemplateRendersInEveryLanguage(string name, string language)
    {
        foreach (var model in SampleReplyModels.All)
        {
            var reply = _shipped.Render(name, language, model);
            Assert.That(reply.Language, Is.EqualTo(language));
            Assert.That(reply.Subject, Does.Contain(model.TicketTag));
            Assert.That(reply.Subject, Does.Not.Contain("\n"));
            Assert.That(reply.Text, Does.Contain(model.TicketTag).Or.Contain(model.Body?.Split('\n')[0] ?? "\u0000"));
            Assert.That(reply.Html, Does.Contain($"lang=\"{language}\""));
            Assert.That(reply.Text + reply.Html, Does.Not.Contain("{{").And.Not.Contain("{%"));
        }
    }

    [Test]
    public void PersianAcknowledgementIsRightToLeftWithSolarHijriDateAndPersianDigits()
    {
        var reply = _shipped.Render(TemplateNames.Ack, "fa", BerlinAck());
        // 2026-03-24 13:00 UTC is 14:00 in Berlin, Tuesday 4 Farvardin 1405.
        const string estimate = "تا سه\u200Cشنبه ۴ فروردین ۱۴۰۵، ساعت ۱۴:۰۰ به وقت Europe/Berlin";
        Assert.That(reply.Html, Does.Contain("<html lang=\"fa\" dir=\"rtl\">"));
        Assert.That(reply.Text, Does.Contain(estimate));
        Assert.That(reply.Html, Does.Contain(estimate));
        Assert.That(reply.Text, Does.Contain("Sara گرامی،"));
        Assert.That(reply.Subject, Is.EqualTo("Re: Printer [#42]"));
    }

    [Test]
    public void PersianBusinessDaysUsePersianDigits()
    {
        var model = BerlinAck() with { Estimate = new EstimateModel(DateTimeOffset.UnixEpoch, "Europe/Berlin", true, 12) };
        Assert.That(_shipped.Render(TemplateNames.Ack, "fa", model).Text, Does.Contain("ظرف ۱۲ روز کاری"));
    }

    [TestCase("en", "by Tuesday 24 March 2026, 14:00 Europe/Berlin time")]
    [TestCase("ru", "до вторника, 24 марта 2026 г., 14:00 по времени Europe/Berlin")]
    [TestCase("el", "έως την Τρίτη 24 Μαρτίου 2026, 14:00 (ώρα Europe/Berlin)")]
    public void EstimateReadsNaturallyInGregorianLanguages(string language, string expected) =>
        Assert.That(_shipped.Render(TemplateNames.Ack, language, BerlinAck()).Text, Does.Contain(expected));

    [TestCase("en", 1, "within 1 business day")]
    [TestCase("en", 5, "within 5 business days")]
    [TestCase("ru", 1, "в течение 1 рабочего дня")]
    [TestCase("ru", 3, "в течение 3 рабочих дней")]
    [TestCase("ru", 21, "в течение 21 рабочего дня")]
    [TestCase("ru", 5, "в течение 5 рабочих дней")]
    [TestCase("fa", 5, "ظرف ۵ روز کاری")]
    [TestCase("el", 5, "εντός 5 εργάσιμων ημερών")]
    [TestCase("el", 1, "εντός 1 εργάσιμης ημέρας")]
    [TestCase("el", 4, "εντός 4 εργάσιμων ημερών")]
    public void BusinessDayEstimatesUseTheRightGrammaticalForm(string language, int days, string expected)
    {
        var model = BerlinAck() with { Estimate = new EstimateModel(DateTimeOffset.UnixEpoch, "Europe/Berlin", true, days) };
        Assert.That(_shipped.Render(TemplateNames.Ack, language, model).Text, Does.Contain(expected));
    }

    [Test]
    public void CustomerNameIsEscapedInHtmlOnly()
    {
        var reply = _shipped.Render(TemplateNames.Ack, "en", BerlinAck("<script>alert(1)</script>"));
        Assert.That(reply.Text, Does.Contain("Dear <script>alert(1)</script>,"));
        Assert.That(reply.Html, Does.Contain("Dear &lt;script&gt;alert(1)&lt;/script&gt;,"));
        Assert.That(reply.Html, Does.Not.Contain("<script>"));
    }

    [TestCaseSource(nameof(EveryShippedTemplate))]
    public void NoShippedTemplateLetsCustomerMarkupIntoHtml(string name, string language)
    {
        var model = BerlinAck("<script>x</script>") with
        {
            Subject = "<b>bold</b>", Body = "<i>it</i>", CustomerEmail = "<img src=x>@example.org", EscalationReason = "<u>late</u>",
        };
        var reply = _shipped.Render(name, language, model);
        Assert.That(reply.Html, Does.Not.Contain("<script>").And.Not.Contain("<b>").And.Not.Contain("<i>").And.Not.Contain("<img").And.Not.Contain("<u>"));
        Assert.That(reply.Subject + reply.Text, Does.Contain("<b>bold</b>").Or.Contain("<i>it</i>"));
    }

    [Test]
    public void NotificationShowsTheCustomerAddressReadablyInHtml()
    {
        var reply = _shipped.Render(TemplateNames.Notification, "en", BerlinAck() with { CustomerEmail = "sara@example.org" });
        Assert.That(reply.Text, Does.Contain("From: Sara <sara@example.org>"));
        Assert.That(reply.Html, Does.Contain("Sara &lt;<a href=\"mailto:sara@example.org\">sara@example.org</a>&gt;"));
    }

    [Test]
    public void AgentAnswerBecomesEscapedParagraphsInHtmlAndStaysVerbatimInText()
    {
        var model = BerlinAck() with { Body = "Hi & welcome,\nline two\n\n<b>new</b> paragraph" };
        var reply = _shipped.Render(TemplateNames.AgentReply, "en", model);
        Assert.That(reply.Text, Does.StartWith("Hi & welcome,\nline two\n\n<b>new</b> paragraph"));
        Assert.That(reply.Html, Does.Contain("<p>Hi &amp; welcome,<br>\nline two</p>\n<p>&lt;b&gt;new&lt;/b&gt; paragraph</p>"));
    }

    [Test]
    public void MissingLanguageFallsBackToTheDefaultLanguage()
    {
        var renderer = TemplateRenderer.Load(TemplateFolder.Shipped(), defaultLanguage: "ru");
        var reply = renderer.Render(TemplateNames.Closed, "de", BerlinAck());
        Assert.That(reply.Language, Is.EqualTo("ru"));
        Assert.That(reply.Subject, Is.EqualTo("Ваше обращение [#42] закрыто"));
    }

    [Test]
    public void MissingDefaultLanguageFallsBackToEnglish()
    {
        var renderer = TemplateRenderer.Load(TemplateFolder.Shipped(), defaultLanguage: "it");
        Assert.That(renderer.Render(TemplateNames.Closed, "de-DE", BerlinAck()).Language, Is.EqualTo("en"));
        Assert.That(renderer.ResolveLanguage(TemplateNames.Closed, "fa-IR"), Is.EqualTo("fa"));
    }

    [Test]
    public void UnknownTemplateThrowsTemplateException() =>
        Assert.That(() => _shipped.Render("no-such", "en", BerlinAck()), Throws.TypeOf<TemplateException>());

    [Test]
    public void TemplateFailingAtRenderTimeThrowsAndReturnsNothing()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: ok {{ tag }}\n--- text ---\nfine\n--- html ---\n<p>{% include 'nowhere' %}</p>\n");
        var renderer = TemplateRenderer.Load(folder.Path);
        var e = Assert.Throws<TemplateException>(() => renderer.Render("ack", "en", BerlinAck()));
        Assert.That(e!.Part, Is.EqualTo("html"));
        Assert.That(e.Message, Does.Contain("nowhere"));
    }

    [Test]
    public void TemplateWithSyntaxErrorIsReportedAtLoadAndThrowsOnRender()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", "subject: ok\n--- text ---\n{% if tag %}open\n--- html ---\n<p>x</p>\n");
        var renderer = TemplateRenderer.Load(folder.Path);
        Assert.That(renderer.Problems, Has.Count.EqualTo(1));
        Assert.That(() => renderer.Render("ack", "en", BerlinAck()), Throws.TypeOf<TemplateException>());
    }

    [Test]
    public void UnknownTimeZoneIsATemplateException()
    {
        var model = BerlinAck() with { Estimate = new EstimateModel(DateTimeOffset.UnixEpoch, "Mars/Olympus") };
        Assert.That(() => _shipped.Render(TemplateNames.Ack, "en", model), Throws.TypeOf<TemplateException>().With.Message.Contains("Mars/Olympus"));
    }

    [Test]
    public void DateHelpersShowInstantsInTheModelTimeZone()
    {
        using var folder = new TemplateFolder();
        const string template = "subject: {{ created | date }}\n--- text ---\n{{ created | weekday }} {{ created | time }} {{ 26.5 | duration }}\n--- html ---\n{{ created | datetime }}\n";
        folder.Write("t.en.liquid", template);
        folder.Write("t.fa.liquid", template);
        var renderer = TemplateRenderer.Load(folder.Path);
        var model = BerlinAck() with { CreatedAt = new DateTimeOffset(2026, 3, 29, 22, 30, 0, TimeSpan.Zero), TimeZoneId = "Asia/Tehran" };
        var en = renderer.Render("t", "en", model);
        var fa = renderer.Render("t", "fa", model);
        // 22:30 UTC is 02:00 on Monday 30 March in Tehran (UTC+3:30, no DST since 2022).
        Assert.That(en.Subject, Is.EqualTo("30 March 2026"));
        Assert.That(en.Text, Is.EqualTo("Monday 02:00 1 day 2 hours"));
        Assert.That(en.Html, Is.EqualTo("Monday 30 March 2026, 02:00"));
        Assert.That(fa.Subject, Is.EqualTo("۱۰ فروردین ۱۴۰۵"));
        Assert.That(fa.Text, Is.EqualTo("دوشنبه ۰۲:۰۰ ۱ روز و ۲ ساعت"));
    }
}
