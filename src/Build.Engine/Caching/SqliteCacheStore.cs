using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Microsoft.Data.Sqlite;

namespace Build.Engine.Caching;

/// <summary>
/// <see cref="ICacheStore"/> on SQLite in WAL mode (<c>&lt;root&gt;/cache/index.db</c>).
/// </summary>
/// <remarks>
/// Why SQLite: two builds on one root must both succeed without corrupting the index, and a <c>kill -9</c>
/// at any moment must leave it consistent. WAL gives atomic commits that survive a killed writer (the
/// uncommitted tail of the log is ignored on the next open) and lets readers run beside one writer; the
/// busy timeout makes a second writer wait instead of failing. synchronous=NORMAL is durable against a
/// process crash, which is the failure we promise to survive; a power cut may lose the newest records,
/// which costs only a cache miss because records are written after their blobs.
/// </remarks>
public sealed class SqliteCacheStore : ICacheStore, IDisposable
{
    private static int initialized;
    private readonly string connectionString;

    private SqliteCacheStore(string connectionString) => this.connectionString = connectionString;

    public static SqliteCacheStore Open(string directory)
    {
        if (Interlocked.Exchange(ref initialized, 1) == 0)
            SQLitePCL.Batteries_V2.Init();
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "index.db");
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        var store = new SqliteCacheStore(cs);
        try
        {
            using var conn = store.Connect();
            // The schema is created once; a no-op build then opens the index with one read of the header
            // instead of running the DDL (and the journal-mode switch, which WAL keeps in the file) every time.
            if (UserVersion(conn) < SchemaVersion)
                CreateSchema(conn);
        }
        catch (SqliteException e)
        {
            throw new BuildException(ErrorCode.StoreCorrupt, $"cannot open the cache index {path}: {e.Message}", e);
        }
        return store;
    }

    // Version 1: the records and files tables below. A higher version is never downgraded.
    private const int SchemaVersion = 1;

    private static long UserVersion(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        return (long)(cmd.ExecuteScalar() ?? 0L);
    }

    private static void CreateSchema(SqliteConnection conn)
    {
        Exec(conn, "PRAGMA journal_mode=WAL;");
        using var tx = conn.BeginTransaction(deferred: false);
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        // Two builds may open a new index at once: the statements stay idempotent, and the version is set in
        // the same transaction as the tables, so a killed process leaves either neither or both.
        cmd.CommandText = $"""
            CREATE TABLE IF NOT EXISTS records(
                key TEXT PRIMARY KEY,
                step TEXT NOT NULL,
                scheme INTEGER NOT NULL,
                preimage TEXT NOT NULL,
                layer_digest TEXT, layer_diffid TEXT, layer_size INTEGER, layer_media TEXT,
                duration_ms INTEGER NOT NULL,
                created INTEGER NOT NULL,
                last_used INTEGER NOT NULL,
                files_id TEXT);
            CREATE INDEX IF NOT EXISTS records_step ON records(step, created);
            CREATE INDEX IF NOT EXISTS records_used ON records(last_used);
            CREATE TABLE IF NOT EXISTS files(id TEXT PRIMARY KEY, data BLOB NOT NULL);
            PRAGMA user_version={SchemaVersion};
            """;
        cmd.ExecuteNonQuery();
        tx.Commit();
    }

    private SqliteConnection Connect()
    {
        var conn = new SqliteConnection(connectionString);
        conn.Open();
        // No checkpoint when the last connection closes: closing would copy the WAL into the database file and
        // fsync it on every build's exit. The WAL is as durable as the database (a commit is complete once it is in
        // the log; the next open replays it), and the automatic checkpoint (every 1,000 pages) still bounds it.
        SQLitePCL.raw.sqlite3_db_config(conn.Handle, SQLitePCL.raw.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, out _);
        Exec(conn, "PRAGMA busy_timeout=60000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;");
        return conn;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    // A hit needs the layer, not the file list (only a miss's explanation does): decoding a 5,000-file list
    // would cost a no-op build more than everything else it does.
    public Task<CacheRecord?> TryGetAsync(CacheKey key, CancellationToken ct) =>
        Task.FromResult(QueryOne("SELECT * FROM records WHERE key = $a", key.ToString(), null, withFiles: false));

    public Task<CacheRecord?> FindPreviousAsync(string stepIdentity, CacheKey except, CancellationToken ct) =>
        Task.Run(() => QueryOne("SELECT * FROM records WHERE step = $a AND key <> $b ORDER BY created DESC, rowid DESC LIMIT 1", stepIdentity, except.ToString(), withFiles: true), ct);

    public Task<IReadOnlyList<CacheRecord>> ListAsync(CancellationToken ct) => Task.Run<IReadOnlyList<CacheRecord>>(() =>
    {
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT * FROM records ORDER BY last_used ASC, rowid ASC";
        using var r = cmd.ExecuteReader();
        var list = new List<CacheRecord>();
        while (r.Read())
            list.Add(ReadRecord(conn, r, withFiles: false));
        return list;
    }, ct);

    public Task PutAsync(CacheRecord record, CancellationToken ct) => Task.Run(() =>
    {
        using var conn = Connect();
        using var tx = conn.BeginTransaction(deferred: false);
        string? filesId = null;
        if (record.Files is { Count: > 0 } files)
        {
            byte[] data = EncodeFiles(files);
            filesId = Digest.Compute(data).ToString();
            using var f = conn.CreateCommand();
            f.Transaction = tx;
            f.CommandText = "INSERT OR IGNORE INTO files(id, data) VALUES ($id, $data)";
            f.Parameters.AddWithValue("$id", filesId);
            f.Parameters.AddWithValue("$data", data);
            f.ExecuteNonQuery();
        }
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT OR IGNORE INTO records(key, step, scheme, preimage, layer_digest, layer_diffid, layer_size, layer_media, duration_ms, created, last_used, files_id)
            VALUES ($key, $step, $scheme, $pre, $ld, $ldi, $ls, $lm, $dur, $created, $used, $files)
            """;
        cmd.Parameters.AddWithValue("$key", record.Key.ToString());
        cmd.Parameters.AddWithValue("$step", record.StepIdentity);
        cmd.Parameters.AddWithValue("$scheme", record.Preimage.Scheme);
        cmd.Parameters.AddWithValue("$pre", EncodeComponents(record.Preimage));
        cmd.Parameters.AddWithValue("$ld", (object?)record.Layer?.Digest.ToString() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ldi", (object?)record.Layer?.DiffId.ToString() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ls", (object?)record.Layer?.Size ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$lm", (object?)record.Layer?.MediaType ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$dur", (long)record.Duration.TotalMilliseconds);
        cmd.Parameters.AddWithValue("$created", record.Created.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$used", record.LastUsed.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$files", (object?)filesId ?? DBNull.Value);
        cmd.ExecuteNonQuery();
        tx.Commit();
    }, ct);

    public Task TouchAsync(IEnumerable<CacheKey> keys, DateTimeOffset when, CancellationToken ct)
    {
        var list = keys.Select(k => k.ToString()).ToList();
        return Task.Run(() =>
        {
            if (list.Count == 0)
                return;
            using var conn = Connect();
            using var tx = conn.BeginTransaction(deferred: false);
            using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE records SET last_used = max(last_used, $t) WHERE key = $k";
            var t = cmd.Parameters.Add("$t", SqliteType.Integer);
            var k = cmd.Parameters.Add("$k", SqliteType.Text);
            t.Value = when.ToUnixTimeMilliseconds();
            foreach (var key in list)
            {
                k.Value = key;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }, ct);
    }

    public Task<int> DeleteAsync(IEnumerable<CacheKey> keys, CancellationToken ct)
    {
        var list = keys.Select(k => k.ToString()).ToList();
        return Task.Run(() =>
        {
            using var conn = Connect();
            using var tx = conn.BeginTransaction(deferred: false);
            using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM records WHERE key = $k";
            var k = cmd.Parameters.Add("$k", SqliteType.Text);
            int n = 0;
            foreach (var key in list)
            {
                k.Value = key;
                n += cmd.ExecuteNonQuery();
            }
            Exec(conn, "DELETE FROM files WHERE id NOT IN (SELECT files_id FROM records WHERE files_id IS NOT NULL)");
            tx.Commit();
            return n;
        }, ct);
    }

    /// <summary><c>PRAGMA integrity_check</c>: one line per problem the database itself finds; empty when it is sound.</summary>
    public Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken ct) => Task.Run<IReadOnlyList<string>>(() =>
    {
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        using var r = cmd.ExecuteReader();
        var problems = new List<string>();
        while (r.Read())
        {
            string line = r.GetString(0);
            if (line != "ok")
                problems.Add("cache index: " + line);
        }
        return problems;
    }, ct);

    private CacheRecord? QueryOne(string sql, string a, string? b, bool withFiles)
    {
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$a", a);
        if (b is not null)
            cmd.Parameters.AddWithValue("$b", b);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRecord(conn, r, withFiles) : null;
    }

    private static CacheRecord ReadRecord(SqliteConnection conn, SqliteDataReader r, bool withFiles)
    {
        string key = r.GetString(r.GetOrdinal("key"));
        try
        {
            var preimage = DecodeComponents(r.GetString(r.GetOrdinal("preimage")), r.GetInt32(r.GetOrdinal("scheme")));
            CachedLayer? layer = null;
            int ld = r.GetOrdinal("layer_digest");
            if (!r.IsDBNull(ld))
            {
                layer = new CachedLayer(
                    Digest.Parse(r.GetString(ld)),
                    Digest.Parse(r.GetString(r.GetOrdinal("layer_diffid"))),
                    r.GetInt64(r.GetOrdinal("layer_size")),
                    r.GetString(r.GetOrdinal("layer_media")));
            }
            IReadOnlyDictionary<string, string>? files = null;
            int fi = r.GetOrdinal("files_id");
            if (withFiles && !r.IsDBNull(fi))
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "SELECT data FROM files WHERE id = $id";
                cmd.Parameters.AddWithValue("$id", r.GetString(fi));
                if (cmd.ExecuteScalar() is byte[] data)
                    files = DecodeFiles(data);
            }
            return new CacheRecord(
                CacheKey.Parse(key),
                r.GetString(r.GetOrdinal("step")),
                preimage,
                layer,
                TimeSpan.FromMilliseconds(r.GetInt64(r.GetOrdinal("duration_ms"))),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("created"))),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("last_used"))))
            { Files = files };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidDataException or BuildException)
        {
            throw new BuildException(ErrorCode.StoreCorrupt, $"cache record {key} is unreadable: {e.Message}", e);
        }
    }

    internal static string EncodeComponents(CacheKeyPreimage preimage)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, value) in preimage.Components)
                w.WriteString(name, value);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static CacheKeyPreimage DecodeComponents(string json, int scheme)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<KeyValuePair<string, string>>();
        foreach (var p in doc.RootElement.EnumerateObject())
            list.Add(new(p.Name, p.Value.GetString() ?? ""));
        return new CacheKeyPreimage(list, scheme);
    }

    private static byte[] EncodeFiles(IReadOnlyDictionary<string, string> files)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new Utf8JsonWriter(z))
        {
            w.WriteStartObject();
            foreach (var (path, digest) in files.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                w.WriteString(path, digest);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static Dictionary<string, string> DecodeFiles(byte[] data)
    {
        using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var doc = JsonDocument.Parse(z);
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
            d[p.Name] = p.Value.GetString() ?? "";
        return d;
    }

    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(connectionString));
}
