using TicketWorker.Replies;

namespace TicketWorker.Tests.Replies;

public class LanguageFormatTests
{
    [TestCase(1, "1 день")]
    [TestCase(2, "2 дня")]
    [TestCase(5, "5 дней")]
    [TestCase(11, "11 дней")]
    [TestCase(22, "22 дня")]
    public void RussianDurationsUseThePluralFormOfTheNumber(int days, string expected) =>
        Assert.That(LanguageFormat.For("ru").Duration(TimeSpan.FromDays(days)), Is.EqualTo(expected));

    [Test]
    public void DurationsShowTheTwoLargestUnits()
    {
        var d = new TimeSpan(2, 3, 45, 0);
        Assert.That(LanguageFormat.For("en").Duration(d), Is.EqualTo("2 days 3 hours"));
        Assert.That(LanguageFormat.For("el").Duration(TimeSpan.FromMinutes(61)), Is.EqualTo("1 ώρα και 1 λεπτό"));
        Assert.That(LanguageFormat.For("fa").Duration(TimeSpan.FromMinutes(45)), Is.EqualTo("۴۵ دقیقه"));
        Assert.That(LanguageFormat.For("ru").Duration(TimeSpan.FromMinutes(21)), Is.EqualTo("21 минута"));
    }

    [Test]
    public void GreekSaturdayTakesTheNeuterArticle()
    {
        var saturday = new DateTime(2026, 3, 28, 9, 0, 0);
        Assert.That(LanguageFormat.For("el").EstimateAt(saturday, "Europe/Athens"), Does.StartWith("έως το Σάββατο 28 Μαρτίου 2026, 09:00"));
    }

    [Test]
    public void PersianYearChangesAtNowruz()
    {
        var fa = LanguageFormat.For("fa");
        Assert.That(fa.Date(new DateTime(2026, 3, 20)), Is.EqualTo("۲۹ اسفند ۱۴۰۴"));
        Assert.That(fa.Date(new DateTime(2026, 3, 21)), Is.EqualTo("۱ فروردین ۱۴۰۵"));
    }

    [Test]
    public void OtherLanguagesUseTheirCultureForDates() =>
        Assert.That(LanguageFormat.For("de").Date(new DateTime(2026, 3, 24)), Is.EqualTo("24 März 2026"));
}
