using System.Collections;

namespace TicketWorker.Mail.Reading;

/// <summary>Header fields in their original order; lookups by name are case-insensitive.</summary>
public sealed class ReadHeaderList(IReadOnlyList<ReadHeader> headers) : IReadOnlyList<ReadHeader>
{
    public static ReadHeaderList Empty { get; } = new([]);

    public int Count => headers.Count;
    public ReadHeader this[int index] => headers[index];

    /// <summary>The raw (unfolded, not RFC 2047-decoded) value of the first field with this name, or null.</summary>
    public string? this[string name] => Find(name)?.RawValue;

    /// <summary>The first field with this name, or null.</summary>
    public ReadHeader? Find(string name)
    {
        foreach (var h in headers)
            if (h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return h;
        return null;
    }

    /// <summary>The decoded value of the first field with this name, or null.</summary>
    public string? GetDecoded(string name) => Find(name)?.Value;

    /// <summary>Every field with this name, in order.</summary>
    public IEnumerable<ReadHeader> GetAll(string name) => headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public bool Contains(string name) => Find(name) is not null;
    public IEnumerator<ReadHeader> GetEnumerator() => headers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
