using System.Text;

namespace TicketWorker.Bench;

/// <summary>
/// A reproducible set of support-style messages: mostly short plain or alternative mail in several
/// languages and charsets, some with attachments of 10 KB to 1.5 MB (the largest are spooled).
/// </summary>
internal static class SyntheticSet
{
    private static readonly (string Charset, string Transfer, string Text)[] Bodies =
    [
        ("utf-8", "8bit", "Hello, my order has not arrived yet. Could you check the tracking number? Thanks!"),
        ("iso-8859-1", "quoted-printable", "Guten Tag, die Rechnung für März fehlt. Können Sie sie bitte schicken? Grüße"),
        ("koi8-r", "quoted-printable", "Здравствуйте! Мой заказ до сих пор не доставлен. Помогите, пожалуйста."),
        ("utf-8", "base64", "سلام، سفارش من هنوز نرسیده است. لطفا پیگیری کنید. با تشکر"),
        ("iso-8859-7", "quoted-printable", "Καλημέρα, η παραγγελία μου δεν έχει φτάσει ακόμα. Ευχαριστώ."),
        ("gb2312", "base64", "您好，我的订单还没有到。请帮我查一下物流信息。谢谢！"),
    ];

    public static IReadOnlyList<byte[]> Generate(int count, int seed)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var random = new Random(seed);
        var payload = new byte[1_600_000];
        random.NextBytes(payload);
        var messages = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            var attachment = roll switch
            {
                < 0.757 => 0,
                < 0.957 => random.Next(10_000, 30_000),
                < 0.997 => random.Next(50_000, 150_000),
                _ => random.Next(1_100_000, 1_500_000),
            };
            messages.Add(Build(i, random, payload, attachment));
        }
        return messages;
    }

    private static byte[] Build(int index, Random random, byte[] payload, int attachmentSize)
    {
        var (charset, transfer, text) = Bodies[random.Next(Bodies.Length)];
        var paragraphs = 1 + random.Next(12);
        var body = string.Join("\r\n\r\n", Enumerable.Repeat(text, paragraphs)) + "\r\n";
        var html = random.Next(3) == 0;
        using var output = new MemoryStream();
        void Write(string s) => output.Write(Encoding.ASCII.GetBytes(s));

        Write($"Return-Path: <customer{index}@example.com>\r\nReceived: from mx.example.com by mail.example.org with ESMTPS; Mon, 23 Nov 2026 09:00:00 +0000\r\n");
        Write($"From: =?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("Kundin Nr. " + index + " Müller"))}?= <customer{index}@example.com>\r\n");
        Write($"To: Support <support@example.org>\r\nSubject: =?utf-8?Q?Bestellung_{index}_=E2=80=93_Frage?=\r\n");
        Write($"Date: Mon, 23 Nov 2026 09:{index % 60:D2}:00 +0100\r\nMessage-ID: <{index}.{random.Next()}@example.com>\r\nMIME-Version: 1.0\r\n");
        if (index % 4 == 1) Write($"In-Reply-To: <reply-{index - 1}@example.org>\r\nReferences: <first-{index}@example.org> <reply-{index - 1}@example.org>\r\n");

        var textPart = TextPart(body, charset, transfer);
        if (!html && attachmentSize == 0)
        {
            output.Write(textPart);
            return output.ToArray();
        }
        Write("Content-Type: multipart/mixed; boundary=\"mixed-" + index + "\"\r\n\r\nThis is a multi-part message in MIME format.\r\n");
        Write($"--mixed-{index}\r\n");
        if (html)
        {
            Write($"Content-Type: multipart/alternative; boundary=\"alt-{index}\"\r\n\r\n--alt-{index}\r\n");
            output.Write(textPart);
            Write($"\r\n--alt-{index}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            var markup = "<html><head><style>p{margin:0}</style></head><body>" +
                string.Concat(Enumerable.Repeat($"<p>{System.Net.WebUtility.HtmlEncode(text)}</p>", paragraphs)) + "</body></html>";
            Write(Convert.ToBase64String(Encoding.UTF8.GetBytes(markup), Base64FormattingOptions.InsertLineBreaks));
            Write($"\r\n--alt-{index}--\r\n");
        }
        else
        {
            output.Write(textPart);
            Write("\r\n");
        }
        if (attachmentSize > 0)
        {
            var offset = random.Next(payload.Length - attachmentSize);
            Write($"--mixed-{index}\r\nContent-Type: application/pdf; name=\"invoice-{index}.pdf\"\r\n");
            Write($"Content-Disposition: attachment; filename=\"invoice-{index}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            Write(Convert.ToBase64String(payload, offset, attachmentSize, Base64FormattingOptions.InsertLineBreaks));
            Write("\r\n");
        }
        Write($"--mixed-{index}--\r\n");
        return output.ToArray();
    }

    /// <summary>A text/plain part (headers and encoded body) in the charset and transfer encoding given; BacklogSet uses it too.</summary>
    internal static byte[] TextPart(string body, string charset, string transfer)
    {
        var bytes = Encoding.GetEncoding(charset).GetBytes(body);
        var encoded = transfer switch
        {
            "base64" => Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks) + "\r\n"),
            "quoted-printable" => QuotedPrintable(bytes),
            _ => bytes,
        };
        var header = Encoding.ASCII.GetBytes($"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {transfer}\r\n\r\n");
        return [.. header, .. encoded];
    }

    /// <summary>A small RFC 2045 §6.7 encoder (soft breaks at 76 columns) so the set does not depend on the writer.</summary>
    private static byte[] QuotedPrintable(byte[] bytes)
    {
        var sb = new StringBuilder();
        var column = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
            {
                sb.Append("\r\n");
                i++;
                column = 0;
                continue;
            }
            var token = b is >= 33 and <= 126 and not (byte)'=' || b == ' ' ? ((char)b).ToString() : $"={b:X2}";
            if (column + token.Length > 75)
            {
                sb.Append("=\r\n");
                column = 0;
            }
            sb.Append(token);
            column += token.Length;
        }
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
