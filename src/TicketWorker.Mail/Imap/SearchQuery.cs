using System.Globalization;

namespace TicketWorker.Mail.Imap;

/// <summary>UID SEARCH criteria (RFC 3501 §6.4.4); combine with <see cref="And"/>, <see cref="Or"/> and <see cref="Not"/>.</summary>
public sealed class SearchQuery
{
    private readonly Action<ImapCommand> _render;
    private readonly string _description;

    private SearchQuery(string description, Action<ImapCommand> render)
    {
        _description = description;
        _render = render;
    }

    private static SearchQuery Key(string key) => new(key, c => c.Raw(key));

    /// <summary>Every message.</summary>
    public static SearchQuery All { get; } = Key("ALL");

    /// <summary>Messages with \Seen.</summary>
    public static SearchQuery Seen { get; } = Key("SEEN");

    /// <summary>Messages without \Seen.</summary>
    public static SearchQuery Unseen { get; } = Key("UNSEEN");

    /// <summary>Messages with \Deleted.</summary>
    public static SearchQuery Deleted { get; } = Key("DELETED");

    /// <summary>Messages without \Deleted.</summary>
    public static SearchQuery Undeleted { get; } = Key("UNDELETED");

    /// <summary>Messages whose UID is in the set, e.g. <c>UidSet.Range(n)</c> for "n:*".</summary>
    public static SearchQuery Uids(UidSet uids) => new("UID " + uids, c => c.Raw("UID " + uids));

    /// <summary>Messages carrying the keyword.</summary>
    public static SearchQuery Keyword(string keyword) => new("KEYWORD " + keyword, c => c.Raw("KEYWORD " + ImapClient.CheckFlag(keyword)));

    /// <summary>Messages not carrying the keyword.</summary>
    public static SearchQuery Unkeyword(string keyword) => new("UNKEYWORD " + keyword, c => c.Raw("UNKEYWORD " + ImapClient.CheckFlag(keyword)));

    /// <summary>Messages whose internal date is on or after the day.</summary>
    public static SearchQuery Since(DateOnly day) => Key("SINCE " + FormatDate(day));

    /// <summary>Messages whose internal date is before the day.</summary>
    public static SearchQuery Before(DateOnly day) => Key("BEFORE " + FormatDate(day));

    /// <summary>Messages whose header field contains the text (substring, case-insensitive per RFC 3501).</summary>
    public static SearchQuery Header(string field, string text) =>
        new($"HEADER {field} {text}", c => c.Raw("HEADER").AString(field).AString(text));

    /// <summary>Messages matching every query.</summary>
    public static SearchQuery And(params SearchQuery[] queries)
    {
        if (queries.Length == 0)
            throw new ArgumentException("at least one query is required", nameof(queries));
        return new(string.Join(" ", queries.Select(q => q._description)), c =>
        {
            foreach (var q in queries)
                q._render(c);
        });
    }

    /// <summary>Messages matching either query.</summary>
    public static SearchQuery Or(SearchQuery left, SearchQuery right) =>
        new($"OR ({left._description}) ({right._description})", c =>
        {
            c.Raw("OR (");
            left._render(c);
            c.Raw(") (");
            right._render(c);
            c.Raw(")");
        });

    /// <summary>Messages not matching the query.</summary>
    public static SearchQuery Not(SearchQuery query) =>
        new($"NOT ({query._description})", c =>
        {
            c.Raw("NOT (");
            query._render(c);
            c.Raw(")");
        });

    internal void RenderTo(ImapCommand command) => _render(command);

    /// <summary>The criteria as readable text.</summary>
    public override string ToString() => _description;

    // RFC 3501 §9 date: 1-Feb-2025
    private static string FormatDate(DateOnly day) => day.ToString("d-MMM-yyyy", CultureInfo.InvariantCulture);
}
