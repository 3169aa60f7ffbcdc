using TicketWorker.Threading;

namespace TicketWorker.Tests.Threading;

public class SubjectNormalizerTests
{
    [TestCase("Re: Printer broken", "printer broken")]
    [TestCase("RE:Printer broken", "printer broken")]
    [TestCase("Fwd: Re: FW: printer   broken ", "printer broken")]
    [TestCase("Re[2]: Printer broken", "printer broken")]
    [TestCase("Re(3): Printer broken", "printer broken")]
    [TestCase("Re^2: Printer broken", "printer broken")]
    [TestCase("AW: WG: Drucker kaputt", "drucker kaputt")]
    [TestCase("SV: VS: Skrivaren", "skrivaren")]
    [TestCase("Antw: Doorst: Printer", "printer")]
    [TestCase("TR: RE : Imprimante", "imprimante")]
    [TestCase("RV: Impresora", "impresora")]
    [TestCase("R: I: Stampante", "stampante")]
    [TestCase("Ответ: Пересл: Не работает принтер", "не работает принтер")]
    [TestCase("Отв:Не работает", "не работает")]
    [TestCase("ΑΠ: ΣΧΕΤ: Εκτυπωτής", "εκτυπωτής")]
    [TestCase("پاسخ: چاپگر خراب است", "چاپگر خراب است")]
    [TestCase("رد: الطابعة", "الطابعة")]
    [TestCase("回复：打印机坏了", "打印机坏了")]
    [TestCase("转发: 回复: 打印机坏了", "打印机坏了")]
    [TestCase("返信: プリンター", "プリンター")]
    [TestCase("Re: [support-list] Re: Printer", "printer")]
    [TestCase("Printer broken (fwd)", "printer broken")]
    public void StripsReplyAndForwardPrefixes(string subject, string expected) =>
        Assert.That(SubjectNormalizer.Normalize(subject), Is.EqualTo(expected));

    [Test]
    public void RemovesOurSubjectTagWhenGivenItsPattern()
    {
        var tag = new SubjectTag();
        Assert.That(SubjectNormalizer.Normalize("Re: [#42] Printer broken", tag.Pattern), Is.EqualTo("printer broken"));
    }

    [Test]
    public void KeepsASubjectThatIsOnlyAPrefix() =>
        Assert.That(SubjectNormalizer.Normalize("Re:"), Is.EqualTo("re:"));

    [Test]
    public void DoesNotStripWordsThatMerelyStartLikeAPrefix() =>
        Assert.That(SubjectNormalizer.Normalize("Return policy question"), Is.EqualTo("return policy question"));

    [TestCase("Re: hello", true)]
    [TestCase("hello", false)]
    [TestCase("Reply needed", false)]
    public void DetectsReplyPrefixes(string subject, bool expected) =>
        Assert.That(SubjectNormalizer.HasReplyPrefix(subject), Is.EqualTo(expected));
}
