namespace TicketWorker.Mail.Writing;

/// <summary>The threading fields of a reply: In-Reply-To and References (ids without angle brackets).</summary>
public sealed record MailThread(string? InReplyTo, IReadOnlyList<string> References)
{
    /// <summary>Long chains keep the root and the most recent ids so the header stays a sane size.</summary>
    public const int MaxReferences = 20;

    /// <summary>No thread: a mail that starts one.</summary>
    public static MailThread None { get; } = new(null, []);

    /// <summary>
    /// RFC 5322 §3.6.4: In-Reply-To is the parent's id; References is the parent's References (or,
    /// without them, its single In-Reply-To) followed by the parent's id.
    /// </summary>
    public static MailThread ReplyTo(string? parentMessageId, IEnumerable<string>? parentReferences = null, IEnumerable<string>? parentInReplyTo = null)
    {
        var chain = parentReferences?.Select(Unbracket).Where(id => id.Length > 0).ToList() ?? [];
        if (chain.Count == 0 && parentInReplyTo?.Select(Unbracket).Where(id => id.Length > 0).ToList() is [var single])
        {
            chain.Add(single);
        }

        string? inReplyTo = null;
        if (!string.IsNullOrWhiteSpace(parentMessageId))
        {
            inReplyTo = Unbracket(parentMessageId);
            chain.Add(inReplyTo);
        }

        chain = chain.Distinct(StringComparer.Ordinal).ToList();
        if (chain.Count > MaxReferences)
        {
            chain = [chain[0], .. chain.TakeLast(MaxReferences - 1)];
        }

        return new MailThread(inReplyTo, chain);
    }

    internal static string Unbracket(string id) => id.Trim().Trim('<', '>').Trim();
}
