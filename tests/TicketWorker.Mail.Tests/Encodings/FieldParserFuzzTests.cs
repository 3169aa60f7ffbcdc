using System.Text;
using TicketWorker.Mail.Encodings;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Encodings;

/// <summary>Random and mutated header values never make a field parser or decoder throw.</summary>
public class FieldParserFuzzTests
{
    private const int Seed = 20470;
    private const int Iterations = 4000;

    private static readonly string[] Samples =
    [
        "=?utf-8?B?0J/RgNC40LLQtdGCINC80LjRgA==?= =?koi8-r?Q?=F0=D2?=",
        "application/pdf; name*0*=utf-8'fa'%D9%81%D8%A7; name*1*=%DA%A9; name*2=.pdf",
        "\"Doe, John\" <john@example.com>, Team: a@b.c, (x) <@r:y@xn--bcher-kva.de>;",
        "Mon, 12 Feb 2024 10:30:00 -0800 (PST)",
        "<a@x> <b@y> (c) <d@z",
        "SGVsbG8gV29ybGQ=\r\n=C3=A9 soft=\r\nbreak =ZZ",
    ];

    [Test]
    public void MutatedHeaderValuesNeverThrow()
    {
        var random = new Random(Seed);
        for (var i = 0; i < Iterations; i++)
        {
            var value = Mutate(Samples[random.Next(Samples.Length)], random);
            try
            {
                _ = Rfc2047.DecodeText(value);
                _ = Rfc2047.DecodePhrase(value);
                _ = Rfc2047.EncodeText(value);
                _ = Rfc2047.EncodePhrase(value);
                _ = ContentType.Parse(value).ToHeaderValue();
                _ = ContentDisposition.Parse(value)?.ToHeaderValue();
                _ = AddressParser.ParseList(value);
                _ = DateParser.Parse(value);
                _ = MessageIdParser.ParseList(value);
                _ = ModifiedUtf7.Decode(value);
                _ = Utf7.Decode(value);
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed}, iteration {i}: {Escape(value)} threw {e}");
            }
        }
    }

    [Test]
    public void RandomBytesNeverMakeDecodersThrow()
    {
        var random = new Random(Seed);
        string[] charsets = ["utf-8", "koi8-r", "windows-1256", "gb2312", "big5", "iso-2022-jp", "utf-7", "utf-16", "x-unknown", "shift_jis", "euc-kr"];
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var charset = charsets[random.Next(charsets.Length)];
            try
            {
                _ = Charsets.Decode(bytes, charset);
                _ = TransferEncoding.Decode(bytes, "base64");
                _ = TransferEncoding.Decode(bytes, "quoted-printable");
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed}, iteration {i}: {Convert.ToHexString(bytes)} as {charset} threw {e}");
            }
        }
    }

    private static string Mutate(string sample, Random random)
    {
        var sb = new StringBuilder(sample);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && sb.Length > 0; e++)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(4))
            {
                case 0: sb.Remove(at, 1); break;
                case 1: sb.Insert(at, "=?<>\"();:,@'%*\\\r\n\t "[random.Next(19)]); break;
                case 2: sb[at] = (char)random.Next(0, 0x10000); break;
                default: sb.Length = at; break;
            }
        }
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
}
