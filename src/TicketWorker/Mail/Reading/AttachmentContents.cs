using MimeKit;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// The decoded bytes of a read message's attachments while its raw input is open (handed out by
/// <see cref="MessageReader.ReadWithContentsAsync{T}"/>). Content is decoded to a temporary file
/// that deletes itself on close, so a 50 MB attachment costs disk, never heap; content whose
/// encoded form is at most <see cref="InMemoryLimit"/> bytes is decoded to memory instead (a
/// temporary file per small attachment cost a create, writes, reads and a delete per message).
/// </summary>
public sealed class AttachmentContents
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Encoded content up to this size is decoded to memory (decoding never makes it larger).</summary>
    public const long InMemoryLimit = 1024 * 1024;
    private readonly IReadOnlyDictionary<ReadAttachment, MimeEntity> _sources;

    internal AttachmentContents(IReadOnlyDictionary<ReadAttachment, MimeEntity> sources) => _sources = sources;

    /// <summary>
    /// The decoded content of <paramref name="attachment"/> (one of this message's <see cref="ReadMessage.Attachments"/>,
    /// compared by reference) in a seekable stream at position 0 that the caller disposes; null for
    /// what has no part of its own (a uuencoded block of the text, a file inside winmail.dat).
    /// </summary>
    public async Task<Stream?> OpenAsync(ReadAttachment attachment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (!_sources.TryGetValue(attachment, out var entity)) return null;
        if (entity is MimePart { Content: { Stream: { CanSeek: true } encoded } small } && encoded.Length is >= 0 and <= InMemoryLimit)
        {
            var memory = new MemoryStream(checked((int)encoded.Length));
            await small.DecodeToAsync(memory, cancellationToken).ConfigureAwait(false);
            memory.Position = 0;
            return memory;
        }
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, BufferSize,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            switch (entity)
            {
                case MimePart { Content: { } content }:
                    await content.DecodeToAsync(spool, cancellationToken).ConfigureAwait(false);
                    break;
                case MessagePart { Message: { } message }:
                    await message.WriteToAsync(spool, cancellationToken).ConfigureAwait(false);
                    break;
            }
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
