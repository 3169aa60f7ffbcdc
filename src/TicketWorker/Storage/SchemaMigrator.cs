using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;

namespace TicketWorker.Storage;

/// <summary>
/// Applies the numbered scripts embedded as <c>migrations/{Sqlite|Postgres|SqlServer}/NNN_name.sql</c>
/// in one transaction under a database-wide lock, recording each in <c>schema_version</c>.
/// </summary>
internal sealed partial class SchemaMigrator
{
    private readonly StorageDatabase database;

    public SchemaMigrator(StorageDatabase database)
    {
        this.database = database;
    }

    public static IReadOnlyList<(int Version, string Name, string Sql)> LoadScripts(string folder)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"migrations/{folder}/";
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var file = name[prefix.Length..];
            var match = ScriptName().Match(file);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration script '{name}' is not named NNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), file, reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return scripts;
    }

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        var scripts = LoadScripts(dialect.MigrationFolder);
        var applied = new List<int>();
        try
        {
            if (dialect.BeforeMigrationSql is { } before)
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(before, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await using var transaction = (StorageTransaction)await database.BeginAsync(readOnly: false, cancellationToken).ConfigureAwait(false);
            await dialect.LockForMigrationAsync(transaction.Transaction, cancellationToken).ConfigureAwait(false);
            await Execute(transaction, dialect.CreateSchemaVersionTableSql, null, cancellationToken).ConfigureAwait(false);
            var current = await CurrentVersionAsync(transaction, cancellationToken).ConfigureAwait(false);
            foreach (var (version, name, sql) in scripts)
            {
                if (version <= current)
                {
                    continue;
                }

                try
                {
                    await Execute(transaction, sql, null, cancellationToken).ConfigureAwait(false);
                }
                catch (DbException ex)
                {
                    throw new StorageException($"Migration {name} failed on {dialect.DisplayName}: {StorageDatabase.OneLine(ex.Message)}", ex);
                }

                await Execute(transaction, "INSERT INTO schema_version (version, applied_at) VALUES (@Version, @At)", new { Version = version, At = database.Time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
                applied.Add(version);
            }

            await EnsureReplyTokenKeyAsync(transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return applied;
        }
        catch (DbException ex)
        {
            throw new StorageException($"Migrating the {dialect.DisplayName} database failed: {StorageDatabase.OneLine(ex.Message)}", ex);
        }
    }

    public async Task<int> GetVersionAsync(CancellationToken cancellationToken)
    {
        await using var transaction = (StorageTransaction)await database.BeginAsync(readOnly: true, cancellationToken).ConfigureAwait(false);
        try
        {
            return await CurrentVersionAsync(transaction, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // No schema_version table yet.
            return 0;
        }
    }

    private async Task<int> CurrentVersionAsync(StorageTransaction transaction, CancellationToken cancellationToken) =>
        await transaction.Connection.ExecuteScalarAsync<int?>(database.Command(transaction, "SELECT MAX(version) FROM schema_version", null, cancellationToken)).ConfigureAwait(false) ?? 0;

    private async Task EnsureReplyTokenKeyAsync(StorageTransaction transaction, CancellationToken cancellationToken)
    {
        var existing = await transaction.Connection.ExecuteScalarAsync<string?>(database.Command(
            transaction, "SELECT value FROM settings WHERE name = @Name", new { Name = ISettingsStore.ReplyTokenKeyName }, cancellationToken)).ConfigureAwait(false);
        if (existing is null)
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await Execute(transaction, "INSERT INTO settings (name, value) VALUES (@Name, @Value)", new { Name = ISettingsStore.ReplyTokenKeyName, Value = key }, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<int> Execute(StorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken) =>
        transaction.Connection.ExecuteAsync(database.Command(transaction, sql, parameters, cancellationToken));

    [GeneratedRegex(@"^(\d+)_[A-Za-z0-9_\-]+\.sql$")]
    private static partial Regex ScriptName();
}
