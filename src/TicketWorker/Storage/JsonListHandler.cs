using System.Data;
using System.Text.Json;
using Dapper;

namespace TicketWorker.Storage;

/// <summary>Stores a list of strings (tags, addresses, references) as a JSON array in a text column.</summary>
internal sealed class JsonListHandler : SqlMapper.TypeHandler<IReadOnlyList<string>>
{
    public static string ToJson(IReadOnlyList<string>? value) =>
        JsonSerializer.Serialize(value ?? [], StorageJsonContext.Default.IReadOnlyListString);

    public static IReadOnlyList<string> FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StorageJsonContext.Default.IReadOnlyListString) ?? [];

    public override void SetValue(IDbDataParameter parameter, IReadOnlyList<string>? value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = ToJson(value);
    }

    public override IReadOnlyList<string> Parse(object value) =>
        value is string text ? FromJson(text) : [];
}
