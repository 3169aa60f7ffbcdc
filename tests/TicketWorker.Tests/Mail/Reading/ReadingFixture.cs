using System.Text;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading;

/// <summary>The hand-made messages under Mail/Reading/Fixtures, read through the reading layer.</summary>
internal static class ReadingFixture
{
    public static string PathOf(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Mail", "Reading", "Fixtures", name);

    public static Task<ReadMessage> ReadAsync(string name) => MessageReader.ReadAsync(PathOf(name));

    public static Task<ReadMessage> ReadTextAsync(string text) => ReadBytesAsync(Encoding.UTF8.GetBytes(text));

    public static Task<ReadMessage> ReadBytesAsync(byte[] bytes) => MessageReader.ReadAsync(new MemoryStream(bytes));
}
