using TicketWorker.Mail.Quotes;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Quotes;

public class ReplyTextTests
{
    [Test]
    public void AMessageWithoutQuoteIsAllNewText()
    {
        var reply = ReplyText.FromText("Hello,\n\nmy printer is broken.\n\nJane\n");

        Assert.That(reply, Is.EqualTo(new ExtractedReply("Hello,\n\nmy printer is broken.\n\nJane", false, false)));
    }

    // Text without a quote is given back from the text itself, not rebuilt line by line: the layout rules must hold the same.
    [TestCase("Hello,\n\nJane", "Hello,\n\nJane")]
    [TestCase("Hello,\n\nJane\n\n\n", "Hello,\n\nJane")]
    [TestCase("\n\nHello,\nJane", "Hello,\nJane")]
    [TestCase("Hello,\n\n\n\nJane", "Hello,\n\nJane")]
    [TestCase("Hello,  \nJane\t", "Hello,\nJane")]
    [TestCase("Hello,\n   \n\nJane", "Hello,\n\nJane")]
    [TestCase("Hello,\r\nJane\r\n", "Hello,\nJane")]
    [TestCase("Hello,\rJane", "Hello,\nJane")]
    [TestCase("\n\n", "")]
    [TestCase("", "")]
    public void TextWithoutQuoteKeepsItsLinesWithBlankRunsFoldedAndEndsTrimmed(string text, string expected) =>
        Assert.That(ReplyText.FromText(text), Is.EqualTo(new ExtractedReply(expected, false, false)));

    [Test]
    public void EmptyBodiesGiveEmptyText() =>
        Assert.That(ReplyText.Extract(null, null), Is.EqualTo(new ExtractedReply("", false, false)));

    [Test]
    public void TheHtmlBodyIsPreferredBecauseItsQuoteIsMarkedExactly()
    {
        const string text = "New words\n\nQuoted words without any mark\n";
        const string html = "<div>New words</div><blockquote type=\"cite\">Quoted words without any mark</blockquote>";

        Assert.That(ReplyText.Extract(text, html).NewText, Is.EqualTo("New words"));
    }

    [Test]
    public void ExtractOfAReadMessageUsesItsHtmlBody()
    {
        var message = new ReadMessage
        {
            TextBody = "Yes\n\nOld",
            HtmlBody = "<div>Yes</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Dec 1, 2026 at 10:15 Support &lt;s@x&gt; wrote:</div><blockquote class=\"gmail_quote\">Old</blockquote></div>",
        };

        Assert.That(ReplyText.Extract(message), Is.EqualTo(new ExtractedReply("Yes", true, false)));
    }

    [Test]
    public void AnswersBetweenQuotedLinesAreKeptAndTextAfterTheLastQuoteToo()
    {
        const string text = "> Which printer?\nThe HP.\n> Since when?\n> (roughly)\nSince Monday.\n> Thanks\nBye\n";

        Assert.That(ReplyText.FromText(text).NewText, Is.EqualTo("The HP.\n\nSince Monday.\n\nBye"));
    }

    [Test]
    public void AnHtmlBlockquoteTheWriterUsedWithoutCiteIsTheirOwnText()
    {
        const string html = "<p>Our policy says:</p><blockquote>Printers are replaced after five years.</blockquote><p>Mine is six.</p>";

        var reply = ReplyText.Extract(null, html);

        Assert.That(reply.NewText, Is.EqualTo("Our policy says:\n\nPrinters are replaced after five years.\n\nMine is six."));
        Assert.That(reply.HasQuote, Is.False);
    }

    [TestCase("-- \nJane Doe\n+1 555 0100")]
    [TestCase("--\nJane Doe\n+1 555 0100")]
    public void TheSignatureAfterItsDelimiterIsRemoved(string signature)
    {
        var reply = ReplyText.FromText("Please call me.\n\n" + signature + "\n");

        Assert.That(reply, Is.EqualTo(new ExtractedReply("Please call me.", false, true)));
    }

    [Test]
    public void AClientsSignatureBlockIsRemovedButOneInsideTheQuoteIsNotTheWriters()
    {
        const string own = "<div>Fixed.</div><div class=\"gmail_signature\">Jane, Accounting</div>";
        const string quoted = "<div>Fixed.</div><blockquote type=\"cite\">Old<div class=\"gmail_signature\">Support</div></blockquote>";

        Assert.That(ReplyText.Extract(null, own), Is.EqualTo(new ExtractedReply("Fixed.", false, true)));
        Assert.That(ReplyText.Extract(null, quoted), Is.EqualTo(new ExtractedReply("Fixed.", true, false)));
    }

    [Test]
    public void DashesInsideALineAreNotASignature() =>
        Assert.That(ReplyText.FromText("Step 1 -- restart\nStep 2 --- check\n---\nDone").NewText, Is.EqualTo("Step 1 -- restart\nStep 2 --- check\n---\nDone"));

    [TestCase("Sent from my iPhone")]
    [TestCase("Sent from my Galaxy")]
    [TestCase("Sent from my Samsung Galaxy smartphone.")]
    [TestCase("Get Outlook for iOS<https://aka.ms/o0ukef>")]
    [TestCase("Get Outlook for Android")]
    [TestCase("Von meinem iPhone gesendet")]
    [TestCase("Envoyé de mon iPhone")]
    [TestCase("Enviado desde mi iPhone")]
    [TestCase("Отправлено с iPhone")]
    [TestCase("Αποστολή από το iPhone μου")]
    [TestCase("ارسال شده از iPhone من")]
    public void AMobileFooterAtTheEndIsRemoved(string footer)
    {
        var reply = ReplyText.FromText("Thanks!\n\n" + footer + "\n");

        Assert.That(reply, Is.EqualTo(new ExtractedReply("Thanks!", false, true)));
    }

    [Test]
    public void AFooterLikeLineFollowedByTheWritersTextIsKept() =>
        Assert.That(ReplyText.FromText("Sent from my iPhone\nbecause the laptop is broken.\n").NewText, Is.EqualTo("Sent from my iPhone\nbecause the laptop is broken."));

    [Test]
    public void ProseThatEndsInWroteIsNotAnAttribution() =>
        Assert.That(ReplyText.FromText("On Monday my colleague wrote:\nthe printer is fine.\n").NewText, Is.EqualTo("On Monday my colleague wrote:\nthe printer is fine."));

    [Test]
    public void AFromLineWithoutSentIsNotOutlooksHeaderBlock() =>
        Assert.That(ReplyText.FromText("From: the accounting team\nWe need two more printers.\n").NewText, Is.EqualTo("From: the accounting team\nWe need two more printers."));

    [TestCase("Von: Support <support@example.test>\nGesendet: Dienstag, 1. Dezember 2026 10:15")]
    [TestCase("De : Support <support@example.test>\nEnvoyé : mardi 1 décembre 2026 10:15")]
    [TestCase("De: Support <support@example.test>\nEnviado el: martes, 1 de diciembre de 2026 10:15")]
    [TestCase("От: Support <support@example.test>\nОтправлено: 1 декабря 2026 г. 10:15")]
    [TestCase("Από: Support <support@example.test>\nΣτάλθηκε: Τρίτη, 1 Δεκεμβρίου 2026 10:15 πμ")]
    [TestCase("از: Support <support@example.test>\nارسال شده: سه‌شنبه، ۱ دسامبر ۲۰۲۶ ۱۰:۱۵")]
    [TestCase("From: Support <support@example.test>\nDate: Tuesday, 1 December 2026 at 10:15")]
    public void OutlooksHeaderBlockEndsTheNewTextInEveryLanguage(string header)
    {
        var reply = ReplyText.FromText("Done.\n\n" + header + "\nTo: Jane\nSubject: x\n\nOld text\n");

        Assert.That(reply, Is.EqualTo(new ExtractedReply("Done.", true, false)));
    }

    [TestCase("On Tue, Dec 1, 2026 at 10:15 AM Support <support@example.test> wrote:")]
    [TestCase("Am Di., 1. Dez. 2026 um 10:15 Uhr schrieb Support <support@example.test>:")]
    [TestCase("Le mar. 1 déc. 2026 à 10:15, Support <support@example.test> a écrit :")]
    [TestCase("El mar, 1 dic 2026 a las 10:15, Support (<support@example.test>) escribió:")]
    [TestCase("01.12.2026 10:15, Support пишет:")]
    [TestCase("1 декабря 2026 г., в 10:15, Support <support@example.test> написал(а):")]
    [TestCase("\u202bدر تاریخ سه‌شنبه ۱ دسامبر ۲۰۲۶ ساعت ۱۰:۱۵ Support <support@example.test> نوشت:\u202c")]
    [TestCase("Στις Τρί 1 Δεκ 2026 στις 10:15, ο/η Support <support@example.test> έγραψε:")]
    public void TheAttributionAboveAQuoteGoesWithItAndAnswersBelowStay(string attribution)
    {
        var reply = ReplyText.FromText("Done.\n\n" + attribution + "\n> Old question\nNew answer\n> Old thanks\n");

        Assert.That(reply, Is.EqualTo(new ExtractedReply("Done.\n\nNew answer", true, false)));
    }

    [Test]
    public void AnAgentsPlainReplyKeepsItsCommandLineAndDropsTheQuotedNotification()
    {
        const string text = "#priority high\nA technician comes by at 14:00.\n\nOn 01.12.26 10:15, Support wrote:\n" +
            "> Ticket #42 (normal)\n> From: Jane Doe <jane@example.org>\n> Sent: Tuesday, December 1, 2026 10:14\n>\n> The printer is broken.\n";

        Assert.That(ReplyText.FromText(text), Is.EqualTo(new ExtractedReply("#priority high\nA technician comes by at 14:00.", true, false)));
    }

    [Test]
    public void QuotedSignatureDelimitersDoNotCutTheWritersAnswers() =>
        Assert.That(ReplyText.FromText("> question\n> -- \n> Support\nanswer\n").NewText, Is.EqualTo("answer"));

    [Test]
    public void AVeryLongLineIsKeptAsText()
    {
        var line = "On " + string.Concat(Enumerable.Repeat("and then ", 20_000)) + "someone wrote:";

        Assert.That(ReplyText.FromText(line + "\n> old\n").NewText, Is.EqualTo(line));
    }
}
