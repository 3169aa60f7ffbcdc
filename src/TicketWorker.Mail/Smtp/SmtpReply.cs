using System.Text.RegularExpressions;

namespace TicketWorker.Mail.Smtp;

/// <summary>
/// One SMTP reply (RFC 5321 §4.2): a three-digit code and one or more lines of text, with the
/// RFC 3463 enhanced status code taken off the text when the server sends one.
/// </summary>
public sealed partial class SmtpReply
{
    /// <summary>Creates a reply from its code and text lines (as received, enhanced code included).</summary>
    public SmtpReply(int code, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Code = code;
        var texts = new List<string>(lines.Count);
        foreach (var line in lines)
        {
            // RFC 2034 §4: the enhanced code starts each line; its class matches the reply's first digit.
            var match = EnhancedCodePattern().Match(line);
            if (match.Success && match.Groups[1].Value[0] - '0' == code / 100)
            {
                EnhancedStatusCode ??= match.Groups[1].Value;
                texts.Add(line[match.Length..]);
            }
            else
            {
                texts.Add(line);
            }
        }

        Lines = texts;
    }

    /// <summary>The reply code, 200–599.</summary>
    public int Code { get; }

    /// <summary>The enhanced status code ("2.1.5"), or null when the server sent none.</summary>
    public string? EnhancedStatusCode { get; }

    /// <summary>The text lines without code and enhanced code.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>All text lines joined with line feeds.</summary>
    public string Text => string.Join('\n', Lines);

    /// <summary>2xx: the command succeeded.</summary>
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>3xx: the server waits for more (354 after DATA, 334 during AUTH).</summary>
    public bool IsIntermediate => Code is >= 300 and < 400;

    /// <summary>4xx: failed now, may succeed later (RFC 5321 §4.2.1).</summary>
    public bool IsTransientFailure => Code is >= 400 and < 500;

    /// <summary>5xx: failed for good.</summary>
    public bool IsPermanentFailure => Code >= 500;

    /// <summary>The reply as the server would print it on one line ("250 2.0.0 Ok: queued as X").</summary>
    public override string ToString() =>
        EnhancedStatusCode is null ? $"{Code} {Text}" : $"{Code} {EnhancedStatusCode} {Text}";

    [GeneratedRegex(@"^([245]\.[0-9]{1,3}\.[0-9]{1,3})(?: |$)")]
    private static partial Regex EnhancedCodePattern();
}
