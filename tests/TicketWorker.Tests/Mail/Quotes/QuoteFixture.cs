using System.Runtime.CompilerServices;

namespace TicketWorker.Tests.Mail.Quotes;

/// <summary>The real-shaped replies under Mail/Quotes/Fixtures: NAME.eml and NAME.expected.txt (the exact new text).</summary>
internal static class QuoteFixture
{
    public static IEnumerable<string> Names() =>
        System.IO.Directory.EnumerateFiles(Locate(), "*.eml").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal);

    public static string PathOf(string name) => Path.Combine(Locate(), name);

    // The fixtures are read from the build output when the test project copies them there, else
    // from beside this source file (the test project's csproj is not ours to change in this part).
    private static string Locate([CallerFilePath] string source = "")
    {
        var output = Path.Combine(TestContext.CurrentContext.TestDirectory, "Mail", "Quotes", "Fixtures");
        return System.IO.Directory.Exists(output) ? output : Path.Combine(Path.GetDirectoryName(source)!, "Fixtures");
    }
}
