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
    public static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
