using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace TicketWorker.Storage;

/// <summary>
/// How the properties of a parameter object become provider values, worked out once per SQL text and
/// type: the properties the SQL names (<c>@Name</c>), read by their getters as delegates and given to the provider as Dapper
/// gives them (enums as numbers, everything else as it is). Used by SQLite's prepared statements
/// (<see cref="SqliteCommandCache"/>) and by the writes PostgreSQL holds back (<see cref="SqlRunner.WriteAsync"/>).
/// Null when a named property has a type Dapper alone maps (its lists expand to IN lists, for example).
/// </summary>
internal sealed class ParameterPlan
{
    private static readonly ConcurrentDictionary<(string Sql, Type? Type), ParameterPlan?> Plans = new();

    private static readonly ParameterPlan None = new([], [], []);

    private readonly Func<object, object>[] values;

    private ParameterPlan(string[] names, Type[] types, Func<object, object>[] values)
    {
        Names = names;
        Types = types;
        this.values = values;
    }

    /// <summary>The parameter names with their "@" prefix, in the order <see cref="Bind"/> fills them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The type of each parameter's value as bound (not nullable; an enum as <see cref="long"/>), in the order of <see cref="Names"/>.</summary>
    public IReadOnlyList<Type> Types { get; }

    public static ParameterPlan? For(string sql, Type? type) =>
        type is null ? None : Plans.GetOrAdd((sql, type), static key => Build(key.Sql, key.Type!));

    /// <summary>The value of parameter <paramref name="index"/> (in the order of <see cref="Names"/>), as it is bound.</summary>
    public object Value(int index, object parameters) => values[index](parameters);

    public void Bind(object? parameters, SqliteParameterCollection target)
    {
        for (var i = 0; i < values.Length; i++) target[i].Value = values[i](parameters!);
    }

    private static ParameterPlan? Build(string sql, Type type)
    {
        var names = new List<string>();
        var types = new List<Type>();
        var getters = new List<Func<object, object>>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0 || !IsNamedIn(sql, property.Name)) continue;
            var convert = Converter(property.PropertyType);
            if (convert is null) return null;
            names.Add("@" + property.Name);
            var plain = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            types.Add(plain.IsEnum ? typeof(long) : plain);
            getters.Add(Getter(type, property, convert));
        }
        return new ParameterPlan([.. names], [.. types], [.. getters]);
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
        var get = type.IsValueType
            ? property.GetValue
            : ReadMethod.MakeGenericMethod(type, property.PropertyType).CreateDelegate<Func<MethodInfo, Func<object, object?>>>()(property.GetMethod!);
        return parameters => get(parameters) is { } value ? convert(value) : DBNull.Value;
    }

    private static readonly MethodInfo ReadMethod = typeof(ParameterPlan).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!;

    // The property's getter as a delegate, behind one generic adapter: compiled once per value type and tiered like any
    // method. A compiled expression per property was a dynamic method, compiled fully optimized on the writer's thread
    // at its first use: ~120 of them at a worker's first mails (bench ingest-run --jit-stats).
    private static Func<object, object?> Read<TTarget, TValue>(MethodInfo getter)
    {
        var read = getter.CreateDelegate<Func<TTarget, TValue>>();
        return target => read((TTarget)target);
    }
}
