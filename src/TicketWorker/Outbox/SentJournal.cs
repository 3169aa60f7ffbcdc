using System.Globalization;
using System.Text;

namespace TicketWorker.Outbox;

/// <summary>
/// This worker's append-only record of what the SMTP server accepted, one file per worker in the
/// journal folder: <c>try ROW</c> before a row's SMTP transaction, <c>sent ROW UNIXMS NOTE</c> right
/// after the server's 250 (and <c>data ROW</c> when the message data is written, before the final
/// dot: a worker killed between that line and <c>sent</c> may have had the message accepted). Each
/// line is one unbuffered <c>write()</c>: once it returns the line is in the kernel's page cache
/// and survives a kill -9 of the worker (not a power loss or a kernel
/// crash: there is no fsync, which would cost milliseconds per mail; after a power loss the last
/// mails may be sent again, identical, as without the journal). The database learns "sent" right
/// after, in the mail's own transaction (other workers see only the table); what that commit could not
/// record (database busy or away, or the worker killed before it) is reconciled before every claim, and a
/// worker that finds the journal of a dead worker of this host reconciles it and deletes it.
/// </summary>
public sealed class SentJournal : IDisposable
{
    /// <summary>Journal files end in this.</summary>
    public const string Extension = ".sent-journal";

    /// <summary>The own file is emptied, once everything in it is committed, when it grows past this.</summary>
    private const long TrimAbove = 1024 * 1024;

    private readonly object _gate = new();
    private FileStream? _file;

    /// <summary>A journal for <paramref name="worker"/> in <paramref name="directory"/>; nothing is created before the first line.</summary>
    public SentJournal(string directory, string worker)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(worker);
        Directory = directory;
        Worker = worker;
        FilePath = System.IO.Path.Combine(directory, FileName(worker));
    }

    /// <summary>The journal folder.</summary>
    public string Directory { get; }

    /// <summary>The worker this journal belongs to.</summary>
    public string Worker { get; }

    /// <summary>This worker's file.</summary>
    public string FilePath { get; }

    /// <summary>The file name of a worker's journal (the id escaped: worker ids hold colons).</summary>
    public static string FileName(string worker) => Uri.EscapeDataString(worker) + Extension;

    /// <summary>The worker a journal file belongs to, or null when the name is not a journal's.</summary>
    public static string? WorkerOf(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return name.EndsWith(Extension, StringComparison.Ordinal) ? Uri.UnescapeDataString(name[..^Extension.Length]) : null;
    }

    /// <summary>Records that the row's SMTP transaction starts (a kill before its <c>sent</c> line may have delivered it).</summary>
    /// <exception cref="IOException">The line could not be written (disk full, folder gone).</exception>
    public void BeginSend(long row) => Append($"try {row.ToString(CultureInfo.InvariantCulture)}\n");

    /// <summary>Records that the row's message data is on the way (the final dot follows): from here the server may accept it.</summary>
    /// <exception cref="IOException">The line could not be written.</exception>
    public void DataWritten(long row) => Append($"data {row.ToString(CultureInfo.InvariantCulture)}\n");

    /// <summary>Records that the server accepted the row at <paramref name="at"/>; <paramref name="note"/> names refused recipients.</summary>
    /// <exception cref="IOException">The line could not be written; the caller commits "sent" to the database at once instead.</exception>
    public void RecordSent(long row, DateTimeOffset at, string? note)
    {
        var encoded = note is null ? "-" : Convert.ToBase64String(Encoding.UTF8.GetBytes(note));
        Append(string.Create(CultureInfo.InvariantCulture, $"sent {row} {at.ToUnixTimeMilliseconds()} {encoded}\n"));
    }

    /// <summary>Empties the own file when it is large; call only when every <c>sent</c> line in it is committed.</summary>
    public void TrimCommitted()
    {
        lock (_gate)
        {
            if (_file is null || _file.Length <= TrimAbove) return;
            _file.SetLength(0);
            _file.Position = 0;
        }
    }

    private void Append(string line)
    {
        var bytes = Encoding.ASCII.GetBytes(line);
        lock (_gate)
        {
            if (_file is null)
            {
                System.IO.Directory.CreateDirectory(Directory);
                // bufferSize 0: every Write is one write() system call, nothing waits in our buffers.
                _file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
            }

            try
            {
                _file.Write(bytes);
            }
            catch (IOException)
            {
                // A short write (disk full) may have left part of the line: start the next on its own line.
                // The reader skips what it cannot parse.
                try { _file.Write("\n"u8); } catch (IOException) { }
                throw;
            }
        }
    }

    /// <summary>
    /// What a journal file says: the rows accepted by the server (with time and note), and the rows
    /// whose SMTP transaction began but has no <c>sent</c> line (in flight when the worker stopped).
    /// A torn or unreadable line is skipped.
    /// </summary>
    public static JournalContent Read(string path)
    {
        var sent = new Dictionary<long, SentEntry>();
        var tried = new HashSet<long>();
        var data = new HashSet<long>();
        string text;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            text = reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return new JournalContent([], [], []);
        }

        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts is ["try", var t] && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var tryRow))
            {
                tried.Add(tryRow);
            }
            else if (parts is ["data", var d] && long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var dataRow))
            {
                data.Add(dataRow);
            }
            else if (parts is ["sent", var r, var ms, var n]
                && long.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var row)
                && long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var unixMs)
                && TryNote(n, out var note))
            {
                sent[row] = new SentEntry(row, DateTimeOffset.FromUnixTimeMilliseconds(unixMs), note);
            }
        }

        tried.ExceptWith(sent.Keys);
        data.IntersectWith(tried);
        return new JournalContent([.. sent.Values.OrderBy(e => e.Row)], [.. tried.Order()], [.. data.Order()]);
    }

    private static bool TryNote(string encoded, out string? note)
    {
        note = null;
        if (encoded == "-") return true;
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written)) return false;
        note = Encoding.UTF8.GetString(buffer, 0, written);
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
