using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace TicketWorker.Storage;

/// <summary>
/// The SQLite commands of one transaction, each prepared once and executed again with new values.
/// Dapper makes a new command per call, and Microsoft.Data.Sqlite then parses and plans the SQL
/// again and looks each parameter up under four names ("Name", ":Name", "@Name", "$Name", one
/// UTF-8 conversion each): for the wide inserts of intake (message, ticket, outbox row) that was
/// ~150 µs a statement, most of the writer's time. Here the SQL is prepared once per transaction
/// (intake writes a batch of up to 500 messages in one) and the parameters carry their "@" name.
/// Only statements whose parameters are of plain types are cached (<see cref="ParameterPlan"/>);
/// anything else goes through Dapper as before. Not thread-safe, like the connection it belongs to.
/// </summary>
internal sealed class SqliteCommandCache(SqliteConnection connection, SqliteTransaction transaction, int timeoutSeconds) : IDisposable
{
    private readonly Dictionary<(string Sql, Type? Parameters), SqliteCommand> commands = [];

    /// <summary>The prepared command with <paramref name="parameters"/> bound, or null when Dapper must run it (parameter types it alone maps).</summary>
    public SqliteCommand? Bind(string sql, object? parameters)
    {
        var type = parameters?.GetType();
        var plan = ParameterPlan.For(sql, type);
        if (plan is null) return null;
        if (!commands.TryGetValue((sql, type), out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            command.CommandTimeout = timeoutSeconds;
            foreach (var name in plan.Names) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            command.Prepare();
            commands[(sql, type)] = command;
        }
        plan.Bind(parameters, command.Parameters);
        return command;
    }

    /// <summary>Drops a command whose execution failed: its statement may be left mid-step.</summary>
    public void Forget(string sql, object? parameters)
    {
        if (commands.Remove((sql, parameters?.GetType()), out var command)) command.Dispose();
    }

    public void Dispose()
    {
        foreach (var command in commands.Values) command.Dispose();
        commands.Clear();
    }
}

/// <summary>
/// How the properties of a parameter object become SQLite values, worked out once per SQL text and
/// type: the properties the SQL names (<c>@Name</c>), read by compiled getters and given to SQLite as Dapper
/// gives them (enums as numbers, everything else as it is).
/// Null when a named property has a type Dapper alone maps (its lists expand to IN lists, for example).
/// </summary>
internal sealed class ParameterPlan
{
    private static readonly ConcurrentDictionary<(string Sql, Type? Type), ParameterPlan?> Plans = new();

    private static readonly ParameterPlan None = new([], []);

    private readonly Func<object, object>[] values;

    private ParameterPlan(string[] names, Func<object, object>[] values)
    {
        Names = names;
        this.values = values;
    }

    /// <summary>The parameter names with their "@" prefix, in the order <see cref="Bind"/> fills them.</summary>
    public IReadOnlyList<string> Names { get; }

    public static ParameterPlan? For(string sql, Type? type) =>
        type is null ? None : Plans.GetOrAdd((sql, type), static key => Build(key.Sql, key.Type!));

    public void Bind(object? parameters, SqliteParameterCollection target)
    {
        for (var i = 0; i < values.Length; i++) target[i].Value = values[i](parameters!);
    }

    private static ParameterPlan? Build(string sql, Type type)
    {
        var names = new List<string>();
        var getters = new List<Func<object, object>>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0 || !IsNamedIn(sql, property.Name)) continue;
            var convert = Converter(property.PropertyType);
            if (convert is null) return null;
            names.Add("@" + property.Name);
            getters.Add(Getter(type, property, convert));
        }
        return new ParameterPlan([.. names], [.. getters]);
    }

    /// <summary>Whether the SQL names <c>@name</c> as a whole parameter (not the start of a longer one).</summary>
    private static bool IsNamedIn(string sql, string name)
    {
        var token = "@" + name;
        for (var at = sql.IndexOf(token, StringComparison.Ordinal); at >= 0; at = sql.IndexOf(token, at + 1, StringComparison.Ordinal))
        {
            var end = at + token.Length;
            if (end == sql.Length || !(char.IsLetterOrDigit(sql[end]) || sql[end] == '_')) return true;
        }
        return false;
    }

    /// <summary>The conversion of a property's value to what SQLite stores, or null for a type left to Dapper.</summary>
    private static Func<object, object>? Converter(Type type)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        // A DateTimeOffset goes to SqliteParameter as it is, as Dapper passes it (Dapper does not call a type handler for
        // it): Microsoft.Data.Sqlite writes it as "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", the form every stored time has.
        if (plain == typeof(string) || plain == typeof(long) || plain == typeof(int) || plain == typeof(short) || plain == typeof(byte)
            || plain == typeof(bool) || plain == typeof(double) || plain == typeof(byte[]) || plain == typeof(DateTimeOffset))
            return static v => v;
        if (plain.IsEnum) return static v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    private static Func<object, object> Getter(Type type, PropertyInfo property, Func<object, object> convert)
    {
        var target = Expression.Parameter(typeof(object), "parameters");
        var read = Expression.Convert(Expression.Property(Expression.Convert(target, type), property), typeof(object));
        var get = Expression.Lambda<Func<object, object?>>(read, target).Compile();
        return parameters => get(parameters) is { } value ? convert(value) : DBNull.Value;
    }
}
