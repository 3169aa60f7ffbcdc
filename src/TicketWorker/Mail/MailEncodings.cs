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
        // .NET 5+ refuses UTF-7 (RFC 2152) unless this switch is on before the first lookup, and
        // mail still declares it; we only decode with it. (The MSBuild property
        // EnableUnsafeUTF7Encoding would reach the worker's runtimeconfig only, not tests or bench.)
        AppContext.SetSwitch("System.Text.Encoding.EnableUnsafeUTF7Encoding", true);
    }
}
