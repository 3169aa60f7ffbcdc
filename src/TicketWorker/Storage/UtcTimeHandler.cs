using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace TicketWorker.Storage;

/// <summary>
/// Reads every stored time as a DateTimeOffset at offset zero. Dapper does not call a type handler for
/// a DateTimeOffset parameter: it hands the value to the provider, so SQLite stores what
/// Microsoft.Data.Sqlite writes, <c>yyyy-MM-dd HH:mm:ss.FFFFFFFzzz</c> (the stores pass UTC times, so
/// that is <c>+00:00</c>, and string order is time order: '+' sorts before '.' and the digits);
/// PostgreSQL timestamptz; SQL Server datetime2(7) holding UTC. <see cref="SetValue"/> is used only
/// where a value is set on a parameter by hand; <see cref="ToSqliteText"/> only for <c>raw_mail.created_at</c>.
/// </summary>
internal sealed class UtcTimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public const string SqliteFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToSqliteText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(SqliteFormat, CultureInfo.InvariantCulture);

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        switch (parameter)
        {
            case SqliteParameter sqlite:
                sqlite.SqliteType = SqliteType.Text;
                sqlite.Value = ToSqliteText(value);
                break;
            case NpgsqlParameter npgsql:
                npgsql.NpgsqlDbType = NpgsqlDbType.TimestampTz;
                npgsql.Value = value.UtcDateTime;
                break;
            case SqlParameter sql:
                sql.SqlDbType = SqlDbType.DateTime2;
                sql.Value = value.UtcDateTime;
                break;
            default:
                parameter.DbType = DbType.DateTimeOffset;
                parameter.Value = value.ToUniversalTime();
                break;
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset offset => offset.ToUniversalTime(),
        DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
        string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new InvalidCastException($"Cannot read a time from a {value.GetType().Name} column value."),
    };
}
