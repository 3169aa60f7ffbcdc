namespace TicketWorker.Mail.Encodings;

/// <summary>An incremental transfer-encoding decoder: input arrives in arbitrary chunks.</summary>
internal interface IByteDecoder
{
    /// <summary>The most bytes <see cref="Decode"/> or <see cref="Flush"/> can write for this much input.</summary>
    int MaxOutput(int inputLength);

    /// <summary>Decodes a chunk; returns the number of bytes written to <paramref name="output"/>.</summary>
    int Decode(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>Writes whatever is pending at the end of the input.</summary>
    int Flush(Span<byte> output);
}
