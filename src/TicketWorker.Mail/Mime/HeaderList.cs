using System.Collections;

namespace TicketWorker.Mail.Mime;

/// <summary>Header fields in their original order; lookups are case-insensitive.</summary>
/// <remarks>STUB: owned by the MIME structure work; names are the contract.</remarks>
public sealed class HeaderList : IReadOnlyList<Header>
{
    private readonly List<Header> _headers = [];

    public int Count => _headers.Count;
    public Header this[int index] => _headers[index];

    /// <summary>The raw value of the first field with this name, or null.</summary>
    public string? this[string name] => _headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.RawValue;

    public IEnumerable<Header> GetAll(string name) => _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    public bool Contains(string name) => this[name] is not null;
    public void Add(Header header) => _headers.Add(header);
    public IEnumerator<Header> GetEnumerator() => _headers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
