using System.Diagnostics;
using TicketWorker.Replies;

namespace TicketWorker.Tests.Replies;

/// <summary>What a template cannot do: escape the HTML part, reach or change the worker, or run without end.</summary>
public class TemplateSafetyTests
{
    private static readonly ReplyModel Model = SampleReplyModels.WithDueTime with { CustomerName = "Sara" };

    private static TemplateRenderer Load(TemplateFolder folder, string text, string html = "<p>x</p>", TemplateLimits? limits = null)
    {
        folder.Write("t.en.liquid", $"subject: s {{{{ tag }}}}\n--- text ---\n{text}\n--- html ---\n{html}\n");
        var renderer = TemplateRenderer.Load(folder.Path, "en", limits);
        Assert.That(renderer.Problems, Is.Empty);
        return renderer;
    }

    private static TemplateException Fails(TemplateRenderer renderer, ReplyModel? model = null)
    {
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<TemplateException>(() => renderer.Render("t", "en", model ?? Model))!;
        // Not a timing test: a generous bound that only a hang or an unbounded loop exceeds.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        return e;
    }

    [Test]
    public void EndlessLoopStopsAtTheLoopLimitWithAClearError()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "{% for i in (1..2000000000) %}x{% endfor %}");
        var e = Fails(renderer);
        Assert.That(e.Message, Does.Contain("LoopLimit `1000`").Or.Contain("iteration limit `1000`"));
        Assert.That((e.Part, e.Line), Is.EqualTo(("text", 3)));
    }

    [Test]
    public void NestedLoopsCountTowardsOneLimit()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}");
        Assert.That(Fails(renderer).Message, Does.Contain("iteration limit `1000`"));
    }

    [Test]
    public void WithoutALoopLimitTheTimeLimitStopsTheRender()
    {
        using var folder = new TemplateFolder();
        var limits = new TemplateLimits { LoopLimit = 0, Timeout = TimeSpan.FromMilliseconds(200) };
        var renderer = Load(folder, "{% for i in (1..2000000000) %}{% assign a = i %}{% endfor %}", limits: limits);
        Assert.That(Fails(renderer).Message, Does.Contain("took longer than 0.2 s"));
    }

    [Test]
    public void PartialIncludingItselfStopsAtTheRecursionLimit()
    {
        using var folder = new TemplateFolder();
        folder.Write("partials/loop.liquid", "again {% include 'loop' %}");
        var renderer = Load(folder, "{% include 'loop' %}");
        var e = Fails(renderer);
        Assert.That(e.Message, Does.Contain("recursive depth limit `20`"));
        Assert.That(e.File, Does.EndWith("loop.liquid"));
    }

    [Test]
    public void OutputOverTheLimitIsAnErrorNotATruncatedMail()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "{{ body }}", limits: new TemplateLimits { OutputLimit = 1000 });
        Assert.That(renderer.Render("t", "en", Model with { Body = new string('a', 900) }).Text, Has.Length.EqualTo(900));
        Assert.That(Fails(renderer, Model with { Body = new string('a', 5000) }).Message, Does.Contain("limit").IgnoreCase);
    }

    [Test]
    public void DoublingAStringStopsAtTheOutputLimit()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}");
        Assert.That(Fails(renderer).Message, Does.Contain("limit").IgnoreCase);
    }

    [Test]
    public void TemplateCannotChangeTheModel()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "{% assign customer.name = 'Mallory' %}{{ customer.name }}");
        Assert.That(Fails(renderer).Message, Does.Contain("readonly"));
    }

    [Test]
    public void AssigningATopLevelNameDoesNotLeakIntoTheHtmlPart()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "{% assign subject = 'changed' %}{{ subject }}", "<p>{{ subject }}</p>");
        var reply = renderer.Render("t", "en", Model);
        Assert.That((reply.Text, reply.Html), Is.EqualTo(("changed", "<p>Printer does not print</p>")));
    }

    [Test]
    public void NothingOfOneRenderIsSeenByTheNext()
    {
        using var folder = new TemplateFolder();
        folder.Write("set.en.liquid", "subject: s\n--- text ---\n{% assign leaked = 'yes' %}{{ leaked }}\n--- html ---\n{% assign leaked = 'yes' %}\n");
        folder.Write("loop.en.liquid", "subject: s\n--- text ---\n{% for i in (1..5000) %}{% assign leaked = 'loop' %}{% endfor %}\n--- html ---\nx\n");
        var renderer = Load(folder, "[{{ leaked }}]", "[{{ leaked }}]");
        for (var i = 0; i < 3; i++)
        {
            Assert.That(renderer.Render("set", "en", Model).Text, Is.EqualTo("yes"));
            Assert.Throws<TemplateException>(() => renderer.Render("loop", "en", Model));
            var reply = renderer.Render("t", "en", Model);
            Assert.That((reply.Text, reply.Html), Is.EqualTo(("[]", "[]")));
        }
    }

    [Test]
    public void DatesAndEstimatesExposeNoDotNetMembers()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "[{{ created.Instant }}{{ created.Zone }}{{ created.zone_id }}{{ estimate.due.Zone.DisplayName }}{{ estimate.GetType }}]");
        Assert.That(renderer.Render("t", "en", Model).Text, Is.EqualTo("[]"));
    }

    [TestCase("../secret")]
    [TestCase("/etc/passwd")]
    [TestCase("..\\\\secret")]
    public void IncludeCannotReadOutsideThePartials(string name)
    {
        using var folder = new TemplateFolder();
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(folder.Path)!, "secret.liquid"), "SECRET");
        try
        {
            var renderer = Load(folder, $"{{% include '{name}' %}}");
            var e = Fails(renderer);
            Assert.That(e.Message, Does.Contain("only a partial's name").And.Not.Contain("SECRET"));
        }
        finally { File.Delete(Path.Combine(Path.GetDirectoryName(folder.Path)!, "secret.liquid")); }
    }

    [Test]
    public void ValuesAreEscapedOnceInTheHtmlPartEvenThroughAnInclude()
    {
        using var folder = new TemplateFolder();
        folder.Write("partials/who.liquid", "--- text ---\n{{ customer.name }}\n--- html ---\n<b>{{ customer.name }}</b>");
        var renderer = Load(folder, "{% include 'who' %} {{ customer.name }}", "{% include 'who' %} {{ customer.name }} {{ body | paragraphs }}");
        var reply = renderer.Render("t", "en", Model with { CustomerName = "Tom & <Jerry>", Body = "a < b" });
        Assert.That(reply.Text, Is.EqualTo("Tom & <Jerry> Tom & <Jerry>"));
        Assert.That(reply.Html, Is.EqualTo("<b>Tom &amp; &lt;Jerry&gt;</b> Tom &amp; &lt;Jerry&gt; <p>a &lt; b</p>"));
    }

    [Test]
    public void QuotesAreEscapedForAttributes()
    {
        using var folder = new TemplateFolder();
        var renderer = Load(folder, "x", "<a title=\"{{ customer.name }}\" href='{{ customer.email }}'>");
        var reply = renderer.Render("t", "en", Model with { CustomerName = "\" onmouseover=\"x", CustomerEmail = "' onclick='y" });
        Assert.That(reply.Html, Is.EqualTo("<a title=\"&quot; onmouseover=&quot;x\" href='&#39; onclick=&#39;y'>"));
    }
}
