namespace TicketWorker.Mail.Mime;

public sealed partial class MimeParser
{
    /// <summary>Reads raw header lines up to the blank line, a boundary line or the end of input.</summary>
    private async ValueTask<HeaderBlockEnd> ReadHeaderBlockAsync(CancellationToken cancellationToken)
    {
        _block.Clear();
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TakeHeaderLine() is { } end) return end;
        }
        return HeaderBlockEnd.EndOfInput;
    }

    private HeaderBlockEnd? TakeHeaderLine()
    {
        var line = _reader.Line;
        if (_reader.AtLineStart)
        {
            // A part may have no blank line before the next boundary (RFC 2046 leaves it
            // undefined; the part is then empty).
            if (IsBoundaryLine(line)) return HeaderBlockEnd.Boundary;
            if (line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8))
            {
                return HeaderBlockEnd.BlankLine;
            }
            _block.StartLine();
        }
        if (!_block.Append(line))
        {
            throw new MimeParseException($"A header block exceeds the limit of {_options.MaxHeaderBytes} bytes (MimeParserOptions.MaxHeaderBytes).");
        }
        return null;
    }
}
