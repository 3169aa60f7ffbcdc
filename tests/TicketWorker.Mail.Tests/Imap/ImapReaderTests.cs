using System.Text;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Tests.Imap;

public class ImapReaderTests
{
    private static ImapReader ReaderOver(string data, int chunk = int.MaxValue) =>
        new(new TrickleStream(Encoding.UTF8.GetBytes(data), chunk), bufferSize: 16);

    private static async Task<List<ImapToken>> ReadLineTokensAsync(ImapReader reader)
    {
        var tokens = new List<ImapToken>();
        while (true)
        {
            var t = await reader.ReadTokenAsync(CancellationToken.None);
            tokens.Add(t);
            if (t.Type == ImapTokenType.Eol)
                return tokens;
            if (t.Type == ImapTokenType.Literal)
                tokens.Add(new ImapToken(ImapTokenType.QuotedString, Encoding.UTF8.GetString(await reader.ReadLiteralAsync(t.Length, CancellationToken.None))));
        }
    }

    [Test]
    public async Task AtomsFlagsNilQuotedStringsAndNestedListsTokenizeInOrder()
    {
        var reader = ReaderOver("* 12 FETCH (FLAGS (\\Seen $Ticketed \\*) X-GM nil \"a \\\"q\\\" \\\\ b\" ((1 2) 3))\r\n", chunk: 3);

        var tokens = await ReadLineTokensAsync(reader);

        Assert.That(string.Join(" ", tokens), Is.EqualTo(
            "* 12 FETCH ( FLAGS ( \\Seen $Ticketed \\* ) X-GM NIL \"a \"q\" \\ b\" ( ( 1 2 ) 3 ) ) CRLF"));
        Assert.That(tokens[11].Type, Is.EqualTo(ImapTokenType.Nil));
        Assert.That(tokens[12].Value, Is.EqualTo("a \"q\" \\ b"));
    }

    [Test]
    public async Task LiteralBytesAreReadExactlyWhenTheyArriveOneByteAtATime()
    {
        var reader = ReaderOver("* 1 FETCH (BODY[] {11}\r\nab\r\n)\"{x}\r\n UID 7)\r\n", chunk: 1);

        var tokens = await ReadLineTokensAsync(reader);

        Assert.That(string.Join(" ", tokens), Is.EqualTo("* 1 FETCH ( BODY [ ] {11} \"ab\r\n)\"{x}\r\n\" UID 7 ) CRLF"));
    }

    [Test]
    public async Task Literal8IsRecognizedAndFlagged()
    {
        var reader = ReaderOver("~{3}\r\nabc\r\n");

        var token = await reader.ReadTokenAsync(CancellationToken.None);

        Assert.That(token.Type, Is.EqualTo(ImapTokenType.Literal));
        Assert.That(token.IsLiteral8, Is.True);
        Assert.That(token.Length, Is.EqualTo(3));
    }

    [Test]
    public async Task QuotedStringsDecodeUtf8()
    {
        var reader = ReaderOver("\"Привет, мир\"\r\n", chunk: 5);

        var token = await reader.ReadTokenAsync(CancellationToken.None);

        Assert.That(token.Value, Is.EqualTo("Привет, мир"));
    }

    [Test]
    public async Task LineTextKeepsBracketsAndQuotesAsPlainText()
    {
        var reader = ReaderOver("OK \"odd [text\r\nnext\r\n", chunk: 4);
        await reader.ReadTokenAsync(CancellationToken.None);

        var text = await reader.ReadLineTextAsync(CancellationToken.None);
        var next = await reader.ReadTokenAsync(CancellationToken.None);

        Assert.That(text, Is.EqualTo("\"odd [text"));
        Assert.That(next.Value, Is.EqualTo("next"));
    }

    [Test]
    public void MalformedLiteralLengthIsAProtocolViolation()
    {
        var reader = ReaderOver("{12x}\r\nabc\r\n");

        Assert.That(async () => await reader.ReadTokenAsync(CancellationToken.None), Throws.InstanceOf<ProtocolViolationException>());
    }

    [Test]
    public void EndOfStreamInsideAResponseIsConnectionLost()
    {
        var reader = ReaderOver("* 1 FETCH (UID");

        Assert.That(async () => await ReadLineTokensAsync(reader), Throws.InstanceOf<ConnectionLostException>());
    }

    [Test]
    public async Task LongQuotedStringsGrowTheBuffer()
    {
        var value = new string('x', 5000);
        var reader = ReaderOver("\"" + value + "\"\r\n", chunk: 1000);

        var token = await reader.ReadTokenAsync(CancellationToken.None);

        Assert.That(token.Value, Is.EqualTo(value));
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, like a slow network.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data, false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
