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

    // Spellings as real clients write them: Outlook and Thunderbird in their localised builds, Gmail,
    // Apple Mail, mobile clients, webmail (Mail.ru, Yandex, Naver, QQ, Foxmail).
    [TestCase("RE: RE: AW: Re: Printer", "printer")]
    [TestCase("Re:Re:Re:Printer", "printer")]
    [TestCase("Aw: Printer", "printer")]
    [TestCase("WG: Wg: Printer", "printer")]
    [TestCase("Sv: SV:Printer", "printer")]
    [TestCase("VS: Vs: Printer", "printer")]
    [TestCase("VB: Printer", "printer")]
    [TestCase("VL: Printer", "printer")]
    [TestCase("Fs: FS: Printer", "printer")]
    [TestCase("Antw: Printer", "printer")]
    [TestCase("Doorst: Printer", "printer")]
    [TestCase("Odp: PD: Drukarka", "drukarka")]
    [TestCase("YNT: Ynt: Yazıcı", "yazıcı")]
    [TestCase("İLT: Yazıcı", "yazıcı")]
    [TestCase("Ilt: Yazıcı", "yazıcı")]
    [TestCase("ATB: Argraffydd", "argraffydd")]
    [TestCase("Réf. : Imprimante", "imprimante")]
    [TestCase("Ref.: Printer", "printer")]
    [TestCase("Réf : Imprimante", "imprimante")]
    [TestCase("TR : Tr: Imprimante", "imprimante")]
    [TestCase("RIF: Rif: R: Stampante", "stampante")]
    [TestCase("ENC: Enc: Impressora", "impressora")]
    [TestCase("RES: Impressora", "impressora")]
    [TestCase("RV: Rv: PD: Impresora", "impresora")]
    [TestCase("Fw: FW: Fwd: FWD: Printer", "printer")]
    [TestCase("PS: Printer", "printer")]
    [TestCase("НА: Принтер", "принтер")]
    [TestCase("Отг: Принтер", "принтер")]
    [TestCase("RE: Ответ: Отв: Принтер", "принтер")]
    [TestCase("Fwd: Пересл: Принтер", "принтер")]
    [TestCase("Re[2]: Ответ[3]: Принтер", "принтер")]
    [TestCase("ΑΠ: ΠΡΘ: ΣΧΕΤ: Εκτυπωτής", "εκτυπωτής")]
    [TestCase("Απ: Εκτυπωτής", "εκτυπωτής")]
    [TestCase("پاسخ: ارسال: چاپگر", "چاپگر")]
    [TestCase("\u200Fپاسخ:\u200F چاپگر", "چاپگر")]
    [TestCase("رد: رد: چاپگر", "چاپگر")]
    [TestCase("転送: Re: プリンター", "プリンター")]
    [TestCase("答复: 回复： 打印机", "打印机")]
    [TestCase("回覆：轉寄：印表機", "印表機")]
    [TestCase("답장: 전달: 프린터", "프린터")]
    [TestCase("Ｒｅ：Printer", "printer")]
    [TestCase("Re ： Printer", "printer")]
    [TestCase("Re :Printer", "printer")]
    [TestCase("Re\u00A0: Printer", "printer")]
    [TestCase("RE[12]: Printer", "printer")]
    [TestCase("Re (2): Printer", "printer")]
    [TestCase("Re^10: Printer", "printer")]
    [TestCase("Re 2: Printer", "printer")]
    [TestCase("Re: Fw: AW: SV: Odp: Printer", "printer")]
    [TestCase("  PRINTER \t  Broken  ", "printer broken")]
    public void StripsPrefixesAsRealClientsSpellThem(string subject, string expected) =>
        Assert.That(SubjectNormalizer.Normalize(Unescape(subject)), Is.EqualTo(expected));

    [TestCase("Re: printer BROKEN", "RE:Printer   broken")]
    [TestCase("AW: Drucker kaputt", "Re: drucker  kaputt")]
    [TestCase("Ответ: Не работает", "RE: не работает")]
    public void TreatsTheSameSubjectFromDifferentClientsAsEqual(string first, string second) =>
        Assert.That(SubjectNormalizer.Normalize(first), Is.EqualTo(SubjectNormalizer.Normalize(second)));

    // A prefix counts only with its colon: these subjects begin with real words.
    [TestCase("Re printer", "re printer")]
    [TestCase("Fwd printer list", "fwd printer list")]
    [TestCase("Reply needed: printer", "reply needed: printer")]
    [TestCase("Resume: printer", "resume: printer")]
    [TestCase("RFC: printer", "rfc: printer")]
    [TestCase("TR 2024: report", "tr 2024: report")]
    [TestCase("Ilto: printer", "ilto: printer")]
    [TestCase("Re.Printer: broken", "re.printer: broken")]
    [TestCase("Ответы: принтер", "ответы: принтер")]
    public void KeepsRealWordsThatLookLikePrefixes(string subject, string expected) =>
        Assert.That(SubjectNormalizer.Normalize(subject), Is.EqualTo(expected));

    private static string Unescape(string s) => System.Text.RegularExpressions.Regex.Unescape(s);

    [Test]
    public void RemovesOurSubjectTagWhenGivenItsPattern()
    {
        var tag = new SubjectTag();
        Assert.That(SubjectNormalizer.Normalize("Re: [#42] Printer broken", tag), Is.EqualTo("printer broken"));
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
