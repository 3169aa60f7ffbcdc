using System.Runtime.CompilerServices;
using System.Text;

namespace TicketWorker.Mail;

/// <summary>
/// Makes every charset real mail uses available before MimeKit first looks one up. MimeKit caches
/// a failed lookup, so windows-1256, KOI8-R or ISO-8859-7 text met before the code-pages provider
/// is registered would be decoded wrongly for the life of the process, silently.
/// </summary>
public static class MailEncodings
{
    /// <summary>Runs when this assembly loads, so no entry point (worker, command, test, benchmark) can forget it.</summary>
    [ModuleInitializer]
    public static void Register()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Encoding.RegisterProvider(new Utf7Provider());
        // For MimeKit's lookups by code page (encoded words): effective only if the runtime has not
        // read the switch yet; the projects also set EnableUnsafeUTF7Encoding in their runtimeconfig.
        AppContext.SetSwitch("System.Text.Encoding.EnableUnsafeUTF7Encoding", true);
    }

    /// <summary>
    /// UTF-7 (RFC 2152) by name, for reading bodies that still declare it. .NET 5+ refuses code
    /// page 65000 unless the EnableUnsafeUTF7Encoding switch was on when the runtime first read it
    /// (a test host may read it before this module loads); a lookup by name asks providers first.
    /// Decoding only: nothing we write is UTF-7.
    /// </summary>
    private sealed class Utf7Provider : EncodingProvider
    {
        private const int CodePage = 65000;
#pragma warning disable SYSLIB0001 // UTF-7 is deliberately enabled, for reading only.
        private static readonly Encoding Utf7 = new UTF7Encoding(allowOptionals: true);
#pragma warning restore SYSLIB0001

        public override Encoding? GetEncoding(int codepage) => codepage == CodePage ? Utf7 : null;

        public override Encoding? GetEncoding(string name) =>
            name.Trim().ToLowerInvariant() is "utf-7" or "utf7" or "unicode-1-1-utf-7" or "csunicode11utf7" or "unicode-2-0-utf-7" or "x-unicode-2-0-utf-7" ? Utf7 : null;
    }
}
