using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Tests.Encodings;

public class Rfc2047Tests
{
    [TestCase("=?cp1256?B?0+HH4yDP5O3H?=", "سلام دن\u064Aا")]
    [TestCase("=?windows-1256?Q?=D3=E1=C7=E3?=", "سلام")]
    [TestCase("=?koi8-r?B?8NLJ18XU?=", "Привет")]
    [TestCase("=?windows-1251?Q?=CF=F0=E8=E2=E5=F2?=", "Привет")]
    [TestCase("=?iso-8859-7?B?yuHr5+zd8eE=?=", "Καλημέρα")]
    [TestCase("=?gb2312?B?xOO6w8rAvec=?=", "你好世界")]
    [TestCase("=?big5?B?p0Gmbg==?=", "你好")]
    [TestCase("=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "こんにちは")]
    [TestCase("=?iso-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=", "Grüße aus Köln")]
    [TestCase("=?utf-8?B?0J/RgNC40LLQtdGCINC80LjRgA==?=", "Привет мир")]
    public void DecodesBAndQWordsInManyCharsets(string encoded, string expected)
    {
        Assert.That(Rfc2047.DecodeText(encoded), Is.EqualTo(expected));
    }

    [Test]
    public void JoinsAdjacentWordsAndDropsTheBlanksBetweenThem()
    {
        var value = "=?utf-8?Q?Hello_?= \t =?utf-8?Q?World?=";

        Assert.That(Rfc2047.DecodeText(value), Is.EqualTo("Hello World"));
    }

    [Test]
    public void KeepsBlanksBetweenAnEncodedWordAndPlainText()
    {
        Assert.That(Rfc2047.DecodeText("Re: =?koi8-r?B?8NLJ18XU?= [#12]"), Is.EqualTo("Re: Привет [#12]"));
    }

    [Test]
    public void DecodesAMultiByteCharacterSplitAcrossTwoWords()
    {
        // "سلام" in UTF-8 is 8 bytes; the first word ends in the middle of the second letter.
        Assert.That(Rfc2047.DecodeText("=?UTF-8?B?2LPZ?= =?utf-8?B?hNin2YU=?="), Is.EqualTo("سلام"));
        Assert.That(Rfc2047.DecodeText("=?utf-8?B?5pel5g==?=\r\n =?utf-8?B?nKzoqp4=?="), Is.EqualTo("日本語"));
    }

    [Test]
    public void AdjacentWordsInDifferentCharsetsAreDecodedSeparately()
    {
        var value = "=?koi8-r?B?8NLJ18XU?= =?iso-8859-7?B?yuHr5+zd8eE=?=";

        Assert.That(Rfc2047.DecodeText(value), Is.EqualTo("ПриветΚαλημέρα"));
    }

    [Test]
    public void DecodesWordsWithALanguageSuffix()
    {
        Assert.That(Rfc2047.DecodeText("=?utf-8*fa?B?2LPZhNin2YU=?="), Is.EqualTo("سلام"));
    }

    [Test]
    public void UnknownCharsetIsDecodedAsBestEffort()
    {
        Assert.That(Rfc2047.DecodeText("=?x-unknown?Q?Gr=C3=BC=C3=9Fe?="), Is.EqualTo("Grüße"), "valid UTF-8");
        Assert.That(Rfc2047.DecodeText("=?x-unknown?Q?Gr=FC=DFe?="), Is.EqualTo("Grüße"), "windows-1252 fallback");
    }

    [TestCase("=?utf-8?X?abc?=")]
    [TestCase("=??B?abc?=")]
    [TestCase("=?utf-8?B?abc")]
    [TestCase("no words here = ? at all")]
    [TestCase("")]
    public void MalformedWordsAreLeftAsTheyAre(string value)
    {
        Assert.That(Rfc2047.DecodeText(value), Is.EqualTo(value));
    }

    [Test]
    public void DecodesWordsGluedToTextAndWithBrokenBase64()
    {
        Assert.That(Rfc2047.DecodeText("Fwd:=?utf-8?Q?caf=C3=A9?="), Is.EqualTo("Fwd:café"));
        Assert.That(Rfc2047.DecodeText("=?utf-8?B?0J/RgNC40LLQtdGC?="), Is.EqualTo("Привет"));
        Assert.That(Rfc2047.DecodeText("=?utf-8?B?0J/RgNC40LLQtdGC=?="), Is.EqualTo("Привет"), "odd padding");
    }

    [Test]
    public void DecodesQWordsWithRawBlanksFromBrokenMailers()
    {
        Assert.That(Rfc2047.DecodeText("=?utf-8?Q?Why?_Because?= =?utf-8?Q?_ok?="), Is.EqualTo("Why? Because ok"));
        Assert.That(Rfc2047.DecodeText("=?utf-8?Q?Gr=C3=BC=C3=9Fe aus K=C3=B6ln?="), Is.EqualTo("Grüße aus Köln"));
    }

    [Test]
    public void DecodesAPhraseWithEncodedWordsInsideQuotes()
    {
        Assert.That(Rfc2047.DecodePhrase("\"=?koi8-r?B?8NLJ18XU?=\""), Is.EqualTo("Привет"));
        Assert.That(Rfc2047.DecodePhrase("\"Doe, John \\\"JD\\\"\""), Is.EqualTo("Doe, John \"JD\""));
        Assert.That(Rfc2047.DecodePhrase("=?iso-8859-7?B?yuHr5+zd8eE=?= Support"), Is.EqualTo("Καλημέρα Support"));
    }

    [Test]
    public void AHostileHeaderOfUnterminatedWordsIsLeftAsItIsQuickly()
    {
        var value = string.Concat(Enumerable.Repeat("=?a?q?x", 100_000));

        // Completes (bounded backtracking) and changes nothing: no word is terminated.
        Assert.That(Rfc2047.DecodeText(value), Is.EqualTo(value));
    }

    [Test]
    public void EncodeTextLeavesAsciiAlone()
    {
        Assert.That(Rfc2047.EncodeText("Re: [#42] Order not delivered"), Is.EqualTo("Re: [#42] Order not delivered"));
    }

    [TestCase("Re: [#42] سفارش من هنوز نرسیده است")]
    [TestCase("Заказ не доставлен, помогите пожалуйста")]
    [TestCase("Η παραγγελία μου δεν έφτασε")]
    [TestCase("我的订单还没有到")]
    [TestCase("Grüße aus Köln – bitte um Rückruf")]
    [TestCase("emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 end")]
    [TestCase("=?utf-8?Q?looks_encoded?=")]
    public void EncodedTextDecodesBackToTheOriginal(string text)
    {
        var encoded = Rfc2047.EncodeText(text);

        Assert.That(encoded.All(c => c is >= ' ' and <= '~'), Is.True, encoded);
        Assert.That(Rfc2047.DecodeText(encoded), Is.EqualTo(text));
    }

    [Test]
    public void EncodedWordsAreAtMost75Characters()
    {
        var text = string.Concat(Enumerable.Repeat("Привет мир 😀 ", 30));

        var words = Rfc2047.EncodeText(text).Split(' ');

        Assert.That(words, Has.All.Length.LessThanOrEqualTo(75));
        Assert.That(words.Length, Is.GreaterThan(5));
    }

    [Test]
    public void ChoosesQForMostlyAsciiAndBForMostlyNonAscii()
    {
        Assert.That(Rfc2047.EncodeText("Bestellungsübersicht"), Does.StartWith("=?utf-8?q?"));
        Assert.That(Rfc2047.EncodeText("Привет"), Does.StartWith("=?utf-8?b?"));
    }

    [TestCase("John Smith", "John Smith")]
    [TestCase("Smith, John", "\"Smith, John\"")]
    [TestCase("Dr. \"J\" Who", "\"Dr. \\\"J\\\" Who\"")]
    public void EncodePhraseQuotesSpecials(string name, string expected)
    {
        Assert.That(Rfc2047.EncodePhrase(name), Is.EqualTo(expected));
    }

    [TestCase("Müller, Hans")]
    [TestCase("علی رضایی")]
    [TestCase("Иванов (support)")]
    public void EncodedPhraseDecodesBack(string name)
    {
        var encoded = Rfc2047.EncodePhrase(name);

        Assert.That(encoded.All(c => c is >= ' ' and <= '~'), Is.True);
        Assert.That(Rfc2047.DecodePhrase(encoded), Is.EqualTo(name));
    }
}
