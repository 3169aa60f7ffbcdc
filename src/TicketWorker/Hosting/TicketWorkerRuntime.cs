using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Cli;
using TicketWorker.Configuration;
using TicketWorker.Intake;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Tickets;

namespace TicketWorker.Hosting;

/// <summary>
/// Everything a command needs, built from the config folder: settings, policy, database (migrated),
/// stores and the intake pipeline. The worker host registers the same objects.
/// </summary>
public sealed class TicketWorkerRuntime
{
    private TicketWorkerRuntime(LoadedSettings settings, PolicyHolder policy, StorageDatabase database, TimeProvider time, ILoggerFactory loggers)
    {
        Settings = settings;
        Policy = policy;
        Database = database;
        Time = time;
        Loggers = loggers;
        RawStore = new RawMailStore(database);
        Tickets = new SqlTicketStore(database);
        Quarantine = new SqlQuarantineStore(database);
        SettingsStore = new SqlSettingsStore(database);
        Ignored = new SqlIgnoredMessageStore(database);
        MailboxState = new SqlMailboxStateStore(database);
        Outbox = new SqlOutboxStore(database);
        Templates = Replies.TemplateRenderer.Load(settings.Resolve(settings.Options.TemplatesPath), settings.Options.DefaultLanguage);
        // Without templates (an empty or missing folder) the built-in English text is used.
        Acknowledger = new Replies.Acknowledger(this, Templates.Templates.Count == 0
            ? Replies.Acknowledger.DefaultContent
            : Replies.AckTemplates.Renderer(Templates, new Threading.SubjectTag(settings.Options.Threading.SubjectTag),
                supportAddress: settings.Options.Mailboxes.FirstOrDefault()?.Address));
        Context = new IngestContext(settings.Options, () => policy.Current);
        Ingest = new IngestPipeline(this, new TicketWriter(this), loggers.CreateLogger<IngestPipeline>());
    }

    public LoadedSettings Settings { get; }
    public TicketWorkerOptions Options => Settings.Options;
    public PolicyHolder Policy { get; }
    public StorageDatabase Database { get; }
    public RawMailStore RawStore { get; }
    public ITicketStore Tickets { get; }
    public IQuarantineStore Quarantine { get; }
    public ISettingsStore SettingsStore { get; }
    public IIgnoredMessageStore Ignored { get; }
    public IMailboxStateStore MailboxState { get; }
    public IOutboxStore Outbox { get; }
    public IngestContext Context { get; }
    public Replies.Acknowledger Acknowledger { get; }
    public Replies.TemplateRenderer Templates { get; }
    public IngestPipeline Ingest { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory Loggers { get; }

    /// <summary>Loads configuration and policy, opens and migrates the database. User-caused failures become one-line errors.</summary>
    public static async Task<TicketWorkerRuntime> OpenAsync(string configDirectory, TimeProvider? time = null, ILoggerFactory? loggers = null, bool migrate = true, CancellationToken cancellationToken = default)
    {
        var settings = AppSettingsLoader.Load(configDirectory);
        var policy = PolicyHolder.Load(settings.Resolve(settings.Options.RulesPath));
        StorageDatabase database;
        try
        {
            database = new StorageDatabase(StorageOptionsFrom(settings));
            if (migrate) await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            else await database.CheckConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            throw new UserErrorException("database: " + e.Message, e);
        }
        return new TicketWorkerRuntime(settings, policy, database, time ?? TimeProvider.System, loggers ?? NullLoggerFactory.Instance);
    }

    /// <summary>Maps appsettings to storage options; relative paths resolve against the config folder.</summary>
    public static StorageOptions StorageOptionsFrom(LoadedSettings settings)
    {
        var o = settings.Options;
        var provider = o.Database.Provider switch
        {
            "postgres" => StorageProvider.Postgres,
            "sqlserver" => StorageProvider.SqlServer,
            _ => StorageProvider.Sqlite,
        };
        var connectionString = o.Database.ConnectionString;
        if (provider == StorageProvider.Sqlite)
        {
            SqliteConnectionStringBuilder builder;
            try { builder = new SqliteConnectionStringBuilder(connectionString); }
            catch (ArgumentException e) { throw new UserErrorException("database: bad SQLite connection string: " + e.Message.ReplaceLineEndings(" "), e); }
            if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
                builder.DataSource = settings.Resolve(builder.DataSource);
            if (Path.GetDirectoryName(builder.DataSource) is { Length: > 0 } folder)
            {
                try { Directory.CreateDirectory(folder); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UserErrorException($"database: cannot create the folder {folder} for the SQLite database: {e.Message}", e);
                }
            }
            connectionString = builder.ToString();
        }
        return new StorageOptions
        {
            Provider = provider,
            ConnectionString = connectionString,
            RawMailPath = settings.Resolve(o.Storage.RawMailPath),
            StoreRawInDatabase = o.Storage.StoreRawInDatabase,
            // The raw store keeps every message, however large: mail over Storage:MaxMessageSize is
            // quarantined by the pipeline with its bytes, never refused and lost.
            MaxMessageSize = long.MaxValue,
        };
    }
}
