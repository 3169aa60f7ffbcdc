using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

/// <summary>Access to the hand-made messages under Fixtures/.</summary>
internal static class Fixture
{
    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static IEnumerable<string> AllMessages() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.eml").OrderBy(p => p, StringComparer.Ordinal);

    public static async Task<MimeMessage> ParseAsync(string name, MimeParserOptions? options = null)
    {
        await using var stream = File.OpenRead(PathOf(name));
        return await MimeMessage.ParseAsync(stream, options);
    }

    public static Task<MimeMessage> ParseTextAsync(string text, MimeParserOptions? options = null) =>
        ParseBytesAsync(Encoding.UTF8.GetBytes(text), options);

    public static async Task<MimeMessage> ParseBytesAsync(byte[] bytes, MimeParserOptions? options = null)
    {
        using var stream = new MemoryStream(bytes);
        return await MimeMessage.ParseAsync(stream, options);
    }
}
