namespace TicketWorker.Storage;

/// <summary>A row of <c>attachments</c>.</summary>
public sealed record AttachmentRecord
{
    /// <summary>Database key.</summary>
    public long Id { get; init; }

    /// <summary>The message row (<see cref="MessageRecord.Id"/>) it belongs to.</summary>
    public long MessageRowId { get; init; }

    /// <summary>Decoded file name.</summary>
    public string? FileName { get; init; }

    /// <summary>MIME type, e.g. application/pdf.</summary>
    public string ContentType { get; init; } = "application/octet-stream";

    /// <summary>Decoded size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Reference of the decoded content in <see cref="RawMailStore"/>, when stored separately.</summary>
    public string? ContentReference { get; init; }
}
