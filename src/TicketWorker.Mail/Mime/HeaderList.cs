using System.Collections;

namespace TicketWorker.Mail.Mime;

/// <summary>Header fields in their original order; lookups are case-insensitive.</summary>
public sealed class HeaderList : IReadOnlyList<Header>
{
    private readonly List<Header> _headers = [];

    public int Count => _headers.Count;
    public Header this[int index] => _headers[index];

    /// <summary>The raw value of the first field with this name, or null.</summary>
    public string? this[string name] => Find(name)?.RawValue;

    /// <summary>The first field with this name, or null.</summary>
    public Header? Find(string name)
    {
        foreach (var h in _headers)
        {
            if (h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return h;
        }
        return null;
    }

    /// <summary>The decoded (RFC 2047) value of the first field with this name, or null.</summary>
    public string? GetDecoded(string name) => Find(name)?.Value;

    /// <summary>Every field with this name, in order.</summary>
    public IEnumerable<Header> GetAll(string name) => _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public bool Contains(string name) => Find(name) is not null;
    public void Add(Header header) => _headers.Add(header);
    public IEnumerator<Header> GetEnumerator() => _headers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
