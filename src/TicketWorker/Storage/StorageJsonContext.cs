using System.Text.Json.Serialization;

namespace TicketWorker.Storage;

/// <summary>Source-generated JSON for the list columns.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext
{
}
