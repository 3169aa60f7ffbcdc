using System.Globalization;
using System.Text;

namespace TicketWorker.Mail.Imap;

/// <summary>A set of UIDs in IMAP sequence-set syntax (RFC 3501 §9 sequence-set), e.g. <c>1:5,9,12:*</c>.</summary>
public sealed class UidSet
{
    private readonly string _text;

    private UidSet(string text) => _text = text;

    /// <summary>Every message: <c>1:*</c>.</summary>
    public static UidSet All { get; } = new("1:*");

    /// <summary>The UIDs from <paramref name="first"/> to <paramref name="last"/>, or to the highest UID (<c>*</c>) when null.</summary>
    public static UidSet Range(uint first, uint? last = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(first);
        return new(last is { } l ? (first == l ? Num(first) : Num(first) + ":" + Num(l)) : Num(first) + ":*");
    }

    /// <summary>The given UIDs, sorted and compressed into ranges.</summary>
    public static UidSet Of(IEnumerable<uint> uids)
    {
        var sorted = uids.Distinct().Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("a UID set cannot be empty", nameof(uids));
        if (sorted[0] == 0)
            throw new ArgumentException("0 is not a valid UID", nameof(uids));
        var sb = new StringBuilder();
        var i = 0;
        while (i < sorted.Length)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
                j++;
            if (sb.Length > 0)
                sb.Append(',');
            sb.Append(Num(sorted[i]));
            if (j > i)
                sb.Append(':').Append(Num(sorted[j]));
            i = j + 1;
        }
        return new(sb.ToString());
    }

    /// <summary>Parses sequence-set text such as <c>1:3,7</c>; throws <see cref="FormatException"/> when malformed.</summary>
    public static UidSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var part in text.Split(','))
        {
            foreach (var end in part.Split(':'))
            {
                if (end != "*" && (!uint.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0))
                    throw new FormatException($"'{text}' is not an IMAP sequence set");
            }
            if (part.Split(':').Length > 2)
                throw new FormatException($"'{text}' is not an IMAP sequence set");
        }
        return new(text);
    }

    /// <summary>Expands a set without <c>*</c> (as servers send in COPYUID) into its UIDs in order.</summary>
    internal static List<uint> Expand(string text)
    {
        var result = new List<uint>();
        foreach (var part in text.Split(','))
        {
            var ends = part.Split(':');
            var a = uint.Parse(ends[0], CultureInfo.InvariantCulture);
            var b = ends.Length > 1 ? uint.Parse(ends[1], CultureInfo.InvariantCulture) : a;
            if (a <= b)
                for (var u = a; u <= b && u != 0; u++) result.Add(u);
            else
                for (var u = a; u >= b && u != 0; u--) result.Add(u);
        }
        return result;
    }

    private static string Num(uint n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The set in IMAP syntax.</summary>
    public override string ToString() => _text;
}
