using System.Diagnostics;
using System.Security.Cryptography;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Bench;

/// <summary>
/// The old home-made parser (src/TicketWorker.Mail), measured beside the reading layer on MimeKit
/// for issue 10. Everything that touches it is in this file: when the old library is deleted,
/// delete this file and the lines that name <see cref="OldParserComparison"/> in ParseBenchmark
/// and LargeMessageBenchmark.
/// </summary>
internal static class OldParserComparison
{
    public static ParseSide Parse { get; } = new("old parser (TicketWorker.Mail)", ParseAsync);

    private static async Task ParseAsync(byte[] raw, bool readModel, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(raw, writable: false);
        using var message = await MimeMessage.ParseAsync(stream, cancellationToken: cancellationToken);
        if (!readModel) return;
        _ = (message.From, message.To, message.Cc, message.ReplyTo, message.Subject, message.Date, message.MessageId, message.InReplyTo, message.References);
        _ = (message.TextBody, message.HtmlBody);
        foreach (var header in message.Headers) _ = header.Value;
        foreach (var attachment in message.Attachments) _ = (attachment.FileName, attachment.Size);
    }

    /// <summary>Parses the large message from its file and decodes the attachment; returns what parse-large prints.</summary>
    public static async Task<(TimeSpan Parsed, long AttachmentSize)> ParseLargeAsync(string path, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        using var message = await MimeMessage.ParseAsync(stream, cancellationToken: cancellationToken);
        var attachment = message.Attachments.Single();
        _ = message.TextBody;
        var size = attachment.Size;
        var parsed = watch.Elapsed;
        await using var content = attachment.OpenRead();
        _ = await SHA256.HashDataAsync(content, cancellationToken);
        return (parsed, size);
    }
}
