using Build.Engine.Caching;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Caching;

public sealed class SqliteCacheStoreTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cachestore-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static CacheRecord Record(string cmd, string step = "Dockerfile#0#1", DateTimeOffset? created = null, IReadOnlyDictionary<string, string>? files = null)
    {
        var p = new CacheKeyPreimage([KeyValuePair.Create("cmd", cmd), KeyValuePair.Create("parent", "sha256:p")]);
        var layer = new CachedLayer(Digest.Compute([1, 2, 3]), Digest.Compute([4]), 3, MediaTypes.OciLayerGzip);
        var t = created ?? DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        return new CacheRecord(p.ComputeKey(), step, p, layer, TimeSpan.FromMilliseconds(1234), t, t) { Files = files };
    }

    [Fact]
    public async Task Put_then_get_round_trips_every_field()
    {
        using var store = SqliteCacheStore.Open(dir);
        var files = new Dictionary<string, string> { ["src/a.js"] = "sha256:aa" };
        var r = Record("make", files: files);
        await store.PutAsync(r, CancellationToken.None);
        var got = await store.TryGetAsync(r.Key, CancellationToken.None);
        Assert.NotNull(got);
        Assert.Equal(r.Key, got.Key);
        Assert.Equal(r.Preimage, got.Preimage);
        Assert.Equal(r.Layer, got.Layer);
        Assert.Equal(r.Duration, got.Duration);
        Assert.Equal(r.Created, got.Created);
        Assert.Null(got.Files); // a hit does not pay for the file list
        var previous = await store.FindPreviousAsync(r.StepIdentity, Record("other").Key, CancellationToken.None);
        Assert.Equal("sha256:aa", previous!.Files!["src/a.js"]);
        Assert.Null(await store.TryGetAsync(Record("other").Key, CancellationToken.None));
    }

    [Fact]
    public async Task Previous_record_is_the_newest_other_record_of_the_same_step()
    {
        using var store = SqliteCacheStore.Open(dir);
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var a = Record("v1", created: t0);
        var b = Record("v2", created: t0.AddMinutes(1));
        var other = Record("v3", step: "Dockerfile#0#2", created: t0.AddMinutes(2));
        foreach (var r in new[] { a, b, other })
            await store.PutAsync(r, CancellationToken.None);
        var current = Record("v4");
        Assert.Equal(b.Key, (await store.FindPreviousAsync("Dockerfile#0#1", current.Key, CancellationToken.None))!.Key);
        Assert.Equal(a.Key, (await store.FindPreviousAsync("Dockerfile#0#1", b.Key, CancellationToken.None))!.Key);
    }

    [Fact]
    public async Task List_is_least_recently_used_first_and_delete_removes()
    {
        using var store = SqliteCacheStore.Open(dir);
        var a = Record("a");
        var b = Record("b");
        await store.PutAsync(a, CancellationToken.None);
        await store.PutAsync(b, CancellationToken.None);
        await store.TouchAsync([a.Key], a.LastUsed.AddHours(1), CancellationToken.None);
        var list = await store.ListAsync(CancellationToken.None);
        Assert.Equal([b.Key, a.Key], list.Select(r => r.Key).ToArray());
        Assert.Equal(1, await store.DeleteAsync([b.Key], CancellationToken.None));
        Assert.Null(await store.TryGetAsync(b.Key, CancellationToken.None));
        Assert.NotNull(await store.TryGetAsync(a.Key, CancellationToken.None));
    }

    [Fact]
    public async Task Two_stores_on_one_root_write_concurrently_without_losing_records()
    {
        using var s1 = SqliteCacheStore.Open(dir);
        using var s2 = SqliteCacheStore.Open(dir);
        var records = Enumerable.Range(0, 200).Select(i => Record("cmd" + i)).ToList();
        await Task.WhenAll(
            Task.Run(async () => { foreach (var r in records.Where((_, i) => i % 2 == 0)) await s1.PutAsync(r, CancellationToken.None); }),
            Task.Run(async () => { foreach (var r in records.Where((_, i) => i % 2 == 1)) await s2.PutAsync(r, CancellationToken.None); }),
            Task.Run(async () => { foreach (var r in records) await s2.TouchAsync([r.Key], DateTimeOffset.UtcNow, CancellationToken.None); }));
        Assert.Equal(200, (await s1.ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Putting_the_same_key_twice_keeps_the_first_record()
    {
        using var store = SqliteCacheStore.Open(dir);
        var r = Record("make");
        await store.PutAsync(r, CancellationToken.None);
        await store.PutAsync(r with { Duration = TimeSpan.FromSeconds(99) }, CancellationToken.None);
        Assert.Equal(r.Duration, (await store.TryGetAsync(r.Key, CancellationToken.None))!.Duration);
    }

    [Fact]
    public async Task Reopening_keeps_the_records_and_the_write_ahead_log_survives_close()
    {
        var r = Record("make", files: new Dictionary<string, string> { ["a"] = "sha256:aa" });
        using (var store = SqliteCacheStore.Open(dir))
            await store.PutAsync(r, CancellationToken.None);
        // Closing does not checkpoint: the committed record may still be only in the log, and must be found from it.
        using (var reopened = SqliteCacheStore.Open(dir))
        {
            Assert.Equal(r.Duration, (await reopened.TryGetAsync(r.Key, CancellationToken.None))!.Duration);
            Assert.Empty(await reopened.CheckIntegrityAsync(CancellationToken.None));
        }
        Assert.Equal(1L, Scalar("PRAGMA user_version"));
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task An_index_made_before_the_schema_version_is_upgraded_in_place()
    {
        var r = Record("make");
        using (var store = SqliteCacheStore.Open(dir))
            await store.PutAsync(r, CancellationToken.None);
        Scalar("PRAGMA user_version=0"); // as an index written before the version was recorded
        using (var reopened = SqliteCacheStore.Open(dir))
            Assert.NotNull(await reopened.TryGetAsync(r.Key, CancellationToken.None));
        Assert.Equal(1L, Scalar("PRAGMA user_version"));
    }

    private object? Scalar(string sql)
    {
        using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dir, "index.db")};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
