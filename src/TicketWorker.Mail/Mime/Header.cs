using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>One header field as it arrived: its name and its unfolded, undecoded value.</summary>
public sealed class Header(string name, string rawValue)
{
    private string? _value;

    /// <summary>The field name as written (without trailing whitespace).</summary>
    public string Name { get; } = name;

    /// <summary>The value unfolded (CRLF+WSP removed) with 8-bit bytes decoded as UTF-8 or the fallback charset; RFC 2047 not decoded.</summary>
    public string RawValue { get; } = rawValue;

    /// <summary>The value with RFC 2047 encoded words decoded (unstructured interpretation).</summary>
    public string Value => _value ??= Rfc2047.DecodeText(RawValue);

    public override string ToString() => $"{Name}: {RawValue}";
}
