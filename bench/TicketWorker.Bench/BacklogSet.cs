using System.Globalization;
using System.Text;

namespace TicketWorker.Bench;

/// <summary>
/// A reproducible support backlog for the intake benchmarks: messages of 2–200 KB (most small, a
/// long tail), 10 % with attachments, 30 % replies to an earlier message of the set (In-Reply-To,
/// References and "Re:"/"AW:"/"Ответ:" subjects, so they join that ticket), six languages in their
/// usual charsets and transfer encodings, a third multipart/alternative with HTML, 2,000 senders.
/// </summary>
internal static class BacklogSet
{
    private static readonly (string Charset, string Transfer, string Subject, string Text, string Reply)[] Languages =
    [
        ("utf-8", "8bit", "Order {0} has not arrived", "Hello, my order has not arrived yet. Could you check the tracking number? Thanks!", "Re: "),
        ("iso-8859-1", "quoted-printable", "Rechnung {0} fehlt", "Guten Tag, die Rechnung für März fehlt. Können Sie sie bitte schicken? Grüße", "AW: "),
        ("koi8-r", "quoted-printable", "Заказ {0} не доставлен", "Здравствуйте! Мой заказ до сих пор не доставлен. Помогите, пожалуйста.", "Ответ: "),
        ("windows-1256", "base64", "سفارش {0}", "سلام، سفارش من هنوز نرسیده است. لطفا پیگیری کنید. با تشکر", "پاسخ: "),
        ("iso-8859-7", "quoted-printable", "Παραγγελία {0}", "Καλημέρα, η παραγγελία μου δεν έχει φτάσει ακόμα. Ευχαριστώ.", "ΑΠ: "),
        ("utf-8", "base64", "订单 {0} 问题", "您好，我的订单还没有到。请帮我查一下物流信息。谢谢！", "回复: "),
    ];

    /// <summary>Message <paramref name="index"/> of the set (deterministic for a given index).</summary>
    public static byte[] Message(int index)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var random = new Random(index * 7919 + 17);
        var lang = Languages[random.Next(Languages.Length)];
        var sender = index % 2000 + 1;
        // 30 % replies, to an earlier message of the same sender (index - 2000k keeps the sender).
        var isReply = index >= 2000 && random.NextDouble() < 0.30;
        var parent = isReply ? index - 2000 * (1 + random.Next(Math.Min(3, index / 2000))) : -1;
        var subject = string.Format(CultureInfo.InvariantCulture, lang.Subject, isReply ? parent : index);
        if (isReply) subject = lang.Reply + subject;

        // Size: 2–200 KB with a long tail (median near 8 KB); 10 % carry an attachment of 10–150 KB within it.
        var target = (int)Math.Min(200_000, 2_000 * Math.Exp(random.NextDouble() * random.NextDouble() * Math.Log(100)));
        var attachment = random.NextDouble() < 0.10 ? Math.Min(random.Next(10_000, 150_000), Math.Max(10_000, target - 2_000)) : 0;
        var html = random.Next(3) == 0;

        using var output = new MemoryStream();
        void Write(string s) => output.Write(Encoding.ASCII.GetBytes(s));
        var from = $"customer{sender}@example.com";
        Write($"Return-Path: <{from}>\r\nReceived: from mx.example.com by mail.example.org with ESMTPS id {index}; Mon, 23 Nov 2026 09:00:00 +0000\r\n");
        Write($"From: =?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes($"Kunde {sender} Müller"))}?= <{from}>\r\n");
        Write($"To: Support <support@example.test>\r\nSubject: =?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(subject))}?=\r\n");
        Write(string.Create(CultureInfo.InvariantCulture, $"Date: {new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero).AddSeconds(index):R}\r\n").Replace("GMT", "+0000"));
        Write($"Message-ID: <backlog-{index}@example.com>\r\nMIME-Version: 1.0\r\n");
        if (isReply) Write($"In-Reply-To: <backlog-{parent}@example.com>\r\nReferences: <backlog-{parent}@example.com>\r\n");

        var textSize = Math.Max(200, target - attachment * 4 / 3 - 1_500) / (html ? 2 : 1);
        var body = new StringBuilder();
        while (body.Length < textSize / (lang.Charset == "utf-8" && lang.Transfer == "base64" ? 3 : 1)) body.Append(lang.Text).Append("\r\n");
        if (isReply) body.Append("\r\n> ").Append(lang.Text).Append("\r\n");
        var textPart = SyntheticSet.TextPart(body.ToString(), lang.Charset, lang.Transfer);
        if (!html && attachment == 0)
        {
            output.Write(textPart);
            return output.ToArray();
        }
        Write($"Content-Type: multipart/mixed; boundary=\"mixed-{index}\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--mixed-{index}\r\n");
        if (html)
        {
            Write($"Content-Type: multipart/alternative; boundary=\"alt-{index}\"\r\n\r\n--alt-{index}\r\n");
            output.Write(textPart);
            Write($"\r\n--alt-{index}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            var markup = "<html><body>" + string.Concat(body.ToString().Split("\r\n").Select(l => $"<p>{System.Net.WebUtility.HtmlEncode(l)}</p>")) + "</body></html>";
            Write(Convert.ToBase64String(Encoding.UTF8.GetBytes(markup), Base64FormattingOptions.InsertLineBreaks));
            Write($"\r\n--alt-{index}--\r\n");
        }
        else
        {
            output.Write(textPart);
            Write("\r\n");
        }
        if (attachment > 0)
        {
            var bytes = new byte[attachment];
            random.NextBytes(bytes);
            Write($"--mixed-{index}\r\nContent-Type: application/pdf; name=\"invoice-{index}.pdf\"\r\n");
            Write($"Content-Disposition: attachment; filename=\"invoice-{index}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            Write(Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks));
            Write("\r\n");
        }
        Write($"--mixed-{index}--\r\n");
        return output.ToArray();
    }
}
