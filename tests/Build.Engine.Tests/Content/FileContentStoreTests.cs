using System.Text;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Content;

public class FileContentStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string[] FilesUnder(string dir) => Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task Written_blobs_are_read_back_under_their_digest()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        byte[] data = Encoding.UTF8.GetBytes("hello blob");
        var blob = await store.WriteAsync(data, null, None);
        Assert.Equal(Digest.Compute(data), blob.Digest);
        Assert.Equal(data.Length, blob.Size);
        Assert.True(File.Exists(Path.Combine(tmp.Path, "blobs", "sha256", blob.Digest.Hex)));
        Assert.Equal(data, await store.ReadAllAsync(blob.Digest, None));
        Assert.Equal(data.Length, await store.GetSizeAsync(blob.Digest, None));
        Assert.True(await store.ExistsAsync(blob.Digest, None));
    }

    [Fact]
    public async Task A_digest_mismatch_throws_and_leaves_nothing_behind()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        var wrong = Digest.Compute("other"u8);
        var e1 = await Assert.ThrowsAsync<BuildException>(() => store.WriteAsync(new MemoryStream("data"u8.ToArray()), wrong, null, None));
        Assert.Equal(ErrorCode.DigestMismatch, e1.Code);
        Assert.Contains(wrong.ToString(), e1.Message, StringComparison.Ordinal);
        var e2 = await Assert.ThrowsAsync<BuildException>(() => store.WriteAsync("data"u8.ToArray(), wrong, None));
        Assert.Equal(ErrorCode.DigestMismatch, e2.Code);
        Assert.Empty(FilesUnder(tmp.Path));
    }

    [Fact]
    public async Task A_short_read_throws_and_leaves_nothing_behind()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        byte[] data = "0123456789"u8.ToArray();
        var e = await Assert.ThrowsAsync<BuildException>(() => store.WriteAsync(new MemoryStream(data, 0, 5), Digest.Compute(data), data.Length, None));
        Assert.Equal(ErrorCode.DigestMismatch, e.Code);
        Assert.Contains("short read", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesUnder(tmp.Path));
    }

    [Fact]
    public async Task Writing_an_existing_blob_is_a_no_op_that_does_not_read_the_input()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        byte[] data = "same"u8.ToArray();
        var first = await store.WriteAsync(data, null, None);
        var path = store.PathOf(first.Digest);
        var stamp = File.GetLastWriteTimeUtc(path);
        var input = new MemoryStream(data);
        var second = await store.WriteAsync(input, first.Digest, data.Length, None);
        Assert.Equal(first, second);
        Assert.Equal(0, input.Position);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        Assert.Single(FilesUnder(tmp.Path));
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_blob_all_succeed_with_one_intact_blob()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        byte[] data = new byte[3 << 20];
        new Random(7).NextBytes(data);
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            if (i % 2 == 0)
                return await store.WriteAsync(new MemoryStream(data), null, null, None);
            await using var w = store.OpenWriter();
            for (int off = 0; off < data.Length; off += 100_000)
                await w.WriteAsync(data.AsMemory(off, Math.Min(100_000, data.Length - off)));
            return await w.CommitAsync(Digest.Compute(data), None);
        })));
        Assert.All(results, r => Assert.Equal(Digest.Compute(data), r.Digest));
        Assert.Single(FilesUnder(tmp.Path));
        Assert.Equal(Digest.Compute(data), await store.RehashAsync(results[0].Digest, None));
    }

    [Fact]
    public async Task A_writer_disposed_without_commit_deletes_its_temp_file()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        await using (var w = store.OpenWriter())
        {
            await w.WriteAsync("partial"u8.ToArray());
            Assert.Single(FilesUnder(tmp.Path));
        }
        Assert.Empty(FilesUnder(tmp.Path));
    }

    [Fact]
    public async Task The_writer_learns_the_digest_while_writing()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        await using var w = store.OpenWriter();
        await w.WriteAsync("ab"u8.ToArray());
        w.Write("cd"u8);
        var blob = await w.CommitAsync(null, None);
        Assert.Equal(Digest.Compute("abcd"u8), blob.Digest);
        Assert.Equal(4, blob.Size);
    }

    [Fact]
    public async Task List_skips_temp_files_and_delete_removes()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        var a = await store.WriteAsync("a"u8.ToArray(), null, None);
        var b = await store.WriteAsync("b"u8.ToArray(), null, None);
        await using var pending = store.OpenWriter();
        await pending.WriteAsync("c"u8.ToArray());
        var listed = new List<Digest>();
        await foreach (var d in store.ListAsync(None))
            listed.Add(d);
        Assert.Equal(new[] { a.Digest, b.Digest }.OrderBy(d => d.Hex, StringComparer.Ordinal), listed);
        Assert.True(await store.DeleteAsync(a.Digest, None));
        Assert.False(await store.DeleteAsync(a.Digest, None));
        var e = await Assert.ThrowsAsync<BuildException>(() => store.OpenReadAsync(a.Digest, None));
        Assert.Equal(ErrorCode.NotFound, e.Code);
    }

    [Fact]
    public async Task Rehash_reveals_a_corrupted_blob()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        var blob = await store.WriteAsync("good"u8.ToArray(), null, None);
        await File.WriteAllTextAsync(store.PathOf(blob.Digest), "evil");
        Assert.Equal(Digest.Compute("evil"u8), await store.RehashAsync(blob.Digest, None));
    }
}
