namespace TicketWorker.Storage;

/// <summary>Where raw bytes were stored: a reference string to keep in a row, with size and hash.</summary>
/// <param name="Reference"><c>file:sha256:HEX</c>, <c>db:sha256:HEX</c> or <c>seg:NAME:OFFSET:LENGTH</c>; pass it to <see cref="RawMailStore.OpenAsync"/>.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes; null for a message in a segment file, which is addressed by its place, not its hash.</param>
public sealed record RawMailReference(string Reference, long Size, string? Sha256);
