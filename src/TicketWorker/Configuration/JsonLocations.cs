using System.Text;
using System.Text.Json;

namespace TicketWorker.Configuration;

/// <summary>
/// Where each key of a JSON file is (line and column), by configuration path
/// (<c>TicketWorker:Mailboxes:0:Imap:Port</c>), so validation errors can point into the file.
/// </summary>
public sealed class JsonLocations
{
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads positions; throws <see cref="ConfigException"/> with the location of a syntax error.</summary>
    public static JsonLocations Read(string file, byte[] utf8)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++) if (utf8[i] == '\n') lineStarts.Add(i + 1);
        var result = new JsonLocations();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        // One frame per open object or array: its current property name or element index.
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1].Key = reader.GetString()!;
                        Record(reader.TokenStartIndex);
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        NextElement(reader.TokenStartIndex);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        NextElement(reader.TokenStartIndex);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new ConfigException(new ConfigError(file, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1,
                "invalid JSON: " + FirstSentence(e.Message)));
        }
        return result;

        void NextElement(long offset)
        {
            if (frames.Count == 0 || !frames[^1].IsArray) return;
            frames[^1].Index++;
            frames[^1].Key = frames[^1].Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Record(offset);
        }

        void Record(long offset) =>
            result._positions[string.Join(':', frames.Where(f => f.Key is not null).Select(f => f.Key))] = Position(offset);

        (int, int) Position(long offset)
        {
            var line = lineStarts.BinarySearch((int)offset);
            if (line < 0) line = ~line - 1;
            var col = Encoding.UTF8.GetCharCount(utf8, lineStarts[line], (int)offset - lineStarts[line]);
            return (line + 1, col + 1);
        }
    }

    /// <summary>The position of a configuration path, or of its nearest ancestor present in the file.</summary>
    public (int Line, int Column) Find(string path)
    {
        while (true)
        {
            if (_positions.TryGetValue(path, out var p)) return p;
            var cut = path.LastIndexOf(':');
            if (cut < 0) return (0, 0);
            path = path[..cut];
        }
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public string? Key { get; set; }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
