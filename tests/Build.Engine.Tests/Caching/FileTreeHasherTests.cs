using Build.Engine.Caching;
using Build.Engine.Oci;
using Build.Parser.Ignore;

namespace Build.Engine.Tests.Caching;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FileTreeHasherTests : IDisposable
{
    private static readonly DateTime LongAgo = new(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private readonly TempContext _a = new();
    private readonly TempContext _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static void Populate(TempContext c)
    {
        c.File("app/main.c", "int main(void) { return 0; }\n")
            .File("app/run.sh", "#!/bin/sh\necho hi\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead)
            .File("app/lib/util.h", "#define X 1\n")
            .Dir("app/empty")
            .Link("app/current", "lib/util.h")
            .File("README.md", "readme\n");
    }

    private static async Task<FileTreeDigest> HashAsync(TempContext c, string source = "app", FileTreeHashOptions? options = null, StatCache? cache = null, IgnoreMatcher? ignore = null)
    {
        var ctx = new BuildContext(c.Root, ignore ?? IgnoreMatcher.Empty);
        IReadOnlyList<SelectedEntry> sel = new SourceSelector(ctx).Select(new CopySources([source]));
        return await new FileTreeHasher(cache).HashAsync(ctx, sel, options ?? FileTreeHashOptions.Default, CancellationToken.None);
    }

    [Fact]
    public async Task Same_content_with_different_mtimes_and_roots_gives_the_same_digest()
    {
        Populate(_a);
        Populate(_b);
        _a.Touch(LongAgo);
        _b.Touch(DateTime.UtcNow.AddMinutes(-7));
        FileTreeDigest da = await HashAsync(_a);
        FileTreeDigest db = await HashAsync(_b);
        Assert.Equal(da.Digest, db.Digest);
        Assert.Equal(da.Entries.Select(e => e.Digest), db.Entries.Select(e => e.Digest));
    }

    [Fact]
    public async Task Host_ownership_does_not_change_the_digest()
    {
        Populate(_a);
        Populate(_b);
        if (TempContext.IsRoot)
        {
            _b.Chown("app/main.c", 1234, 4321);
            _b.Chown("app/current", 99, 99);
        }
        Assert.Equal((await HashAsync(_a)).Digest, (await HashAsync(_b)).Digest);
    }

    [Fact]
    public async Task The_digest_is_rederivable_from_the_documented_preimage()
    {
        _a.File("f", "x", UnixFileMode.UserRead | UnixFileMode.UserWrite).Link("l", "f");
        var ctx = new BuildContext(_a.Root, IgnoreMatcher.Empty);
        var sel = new SourceSelector(ctx).Select(new CopySources(["f", "l"]));
        FileTreeDigest d = await new FileTreeHasher().HashAsync(ctx, sel, FileTreeHashOptions.Default, CancellationToken.None);
        // "l" is followed as a named source, so both entries are the regular file "f", each under its own name.
        string content = Digest.Compute("x"u8).ToString();
        string recordF = $"f\0f\00600\0{content}\0";
        string recordL = $"f\0l\00600\0{content}\0";
        Assert.Equal(Digest.Compute(System.Text.Encoding.UTF8.GetBytes("builder-filetree-v1\0" + recordF + recordL)), d.Digest);
        Assert.Equal(["f", "l"], d.Entries.Select(e => e.Path));
        Assert.Equal(["f", "f"], d.Entries.Select(e => e.SourcePath));
        Assert.Equal(Digest.Compute(System.Text.Encoding.UTF8.GetBytes(recordL)), d.Entries[1].Digest);
    }

    [Theory]
    [InlineData("byte")]
    [InlineData("mode")]
    [InlineData("setuid")]
    [InlineData("symlink")]
    [InlineData("add")]
    [InlineData("remove")]
    [InlineData("rename")]
    [InlineData("emptydir")]
    public async Task Any_change_to_a_hashed_property_changes_the_digest(string change)
    {
        Populate(_a);
        FileTreeDigest before = await HashAsync(_a);
        switch (change)
        {
            case "byte":
                File.WriteAllText(_a.Host("app/main.c"), "int main(void) { return 1; }\n");
                break;
            case "mode":
                File.SetUnixFileMode(_a.Host("app/main.c"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                break;
            case "setuid":
                File.SetUnixFileMode(_a.Host("app/run.sh"), File.GetUnixFileMode(_a.Host("app/run.sh")) | UnixFileMode.SetUser);
                break;
            case "symlink":
                File.Delete(_a.Host("app/current"));
                _a.Link("app/current", "main.c");
                break;
            case "add":
                _a.File("app/new.txt", "");
                break;
            case "remove":
                File.Delete(_a.Host("app/lib/util.h"));
                break;
            case "rename":
                File.Move(_a.Host("app/main.c"), _a.Host("app/main2.c"));
                break;
            case "emptydir":
                Directory.Delete(_a.Host("app/empty"));
                break;
        }
        FileTreeDigest after = await HashAsync(_a);
        Assert.NotEqual(before.Digest, after.Digest);
    }

    [Fact]
    public async Task Permissions_are_left_out_when_chmod_overrides_them()
    {
        Populate(_a);
        var noPerms = new FileTreeHashOptions(IncludePermissions: false);
        FileTreeDigest before = await HashAsync(_a, options: noPerms);
        File.SetUnixFileMode(_a.Host("app/main.c"), UnixFileMode.UserRead);
        FileTreeDigest after = await HashAsync(_a, options: noPerms);
        Assert.Equal(before.Digest, after.Digest);
        Assert.All(after.Entries, e => Assert.Equal(-1, e.Mode));
    }

    [Fact]
    public async Task Ignored_files_do_not_affect_the_digest()
    {
        Populate(_a);
        IgnoreMatcher ignore = IgnoreMatcher.Create(["**/*.log", "app/lib/tmp"]);
        FileTreeDigest before = await HashAsync(_a, ignore: ignore);
        _a.File("app/debug.log", "noise").File("app/lib/tmp/x", "noise");
        FileTreeDigest after = await HashAsync(_a, ignore: ignore);
        Assert.Equal(before.Digest, after.Digest);
        Assert.DoesNotContain(after.Entries, e => e.Path.Contains("log", StringComparison.Ordinal) || e.Path.Contains("tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Symlinks_inside_a_copied_directory_are_hashed_as_links_not_followed()
    {
        Populate(_a);
        File.WriteAllText(Path.Combine(_a.Parent, "secret"), "host data");
        _a.Link("app/escape", "../../secret");
        FileTreeDigest d = await HashAsync(_a);
        HashedEntry link = Assert.Single(d.Entries, e => e.Path == "escape");
        Assert.Equal(ContextEntryType.Symlink, link.Type);
        Assert.Equal("../../secret", link.LinkTarget);
        Assert.Null(link.ContentDigest);
    }

    [Fact]
    public async Task Stat_cache_serves_the_second_run_and_detects_changes()
    {
        Populate(_a);
        _a.Touch(LongAgo);
        string cacheDir = Path.Combine(_a.Parent, "statcache");
        var time = new FixedTime(DateTimeOffset.UtcNow.AddHours(1));

        StatCache first = StatCache.Open(cacheDir, _a.Root, time);
        FileTreeDigest cold = await HashAsync(_a, cache: first);
        await first.SaveAsync(CancellationToken.None);
        Assert.Equal(new HashStatistics(3, cold.Statistics.BytesHashed, 0), cold.Statistics);
        Assert.True(cold.Statistics.BytesHashed > 0);

        // A new process: the cache comes back from disk.
        FileTreeDigest warm = await HashAsync(_a, cache: StatCache.Open(cacheDir, _a.Root, time));
        Assert.Equal(new HashStatistics(0, 0, 3), warm.Statistics);
        Assert.Equal(cold.Digest, warm.Digest);

        // Same size, same mtime, new content: ctime still gives it away.
        string main = _a.Host("app/main.c");
        string text = File.ReadAllText(main);
        File.WriteAllText(main, text.Replace('0', '1'));
        File.SetLastWriteTimeUtc(main, LongAgo);
        StatCache third = StatCache.Open(cacheDir, _a.Root, new FixedTime(DateTimeOffset.UtcNow.AddHours(2)));
        FileTreeDigest changed = await HashAsync(_a, cache: third);
        Assert.Equal(1, changed.Statistics.FilesHashed);
        Assert.Equal(2, changed.Statistics.FilesFromStatCache);
        Assert.NotEqual(cold.Digest, changed.Digest);
    }

    [Fact]
    public async Task Recently_modified_files_are_not_cached()
    {
        Populate(_a); // written just now: within the racy window of the real clock
        string cacheDir = Path.Combine(_a.Parent, "statcache");
        StatCache cache = StatCache.Open(cacheDir, _a.Root);
        await HashAsync(_a, cache: cache);
        await cache.SaveAsync(CancellationToken.None);
        FileTreeDigest second = await HashAsync(_a, cache: StatCache.Open(cacheDir, _a.Root));
        Assert.Equal(0, second.Statistics.FilesFromStatCache);
        Assert.Equal(3, second.Statistics.FilesHashed);
    }

    [Fact]
    public async Task A_corrupt_cache_file_is_discarded()
    {
        Populate(_a);
        _a.Touch(LongAgo);
        string cacheDir = Path.Combine(_a.Parent, "statcache");
        var time = new FixedTime(DateTimeOffset.UtcNow.AddHours(1));
        StatCache cache = StatCache.Open(cacheDir, _a.Root, time);
        FileTreeDigest cold = await HashAsync(_a, cache: cache);
        await cache.SaveAsync(CancellationToken.None);
        string file = Assert.Single(Directory.GetFiles(cacheDir));
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        StatCache reopened = StatCache.Open(cacheDir, _a.Root, time);
        Assert.Equal(0, reopened.Count);
        FileTreeDigest again = await HashAsync(_a, cache: reopened);
        Assert.Equal(cold.Digest, again.Digest);
        Assert.Equal(3, again.Statistics.FilesHashed);
        File.WriteAllBytes(file, [1, 2, 3]);
        Assert.Equal(0, StatCache.Open(cacheDir, _a.Root, time).Count);
    }

    [Fact]
    public async Task Concurrent_saves_leave_a_valid_cache_and_no_temp_files()
    {
        Populate(_a);
        _a.Touch(LongAgo);
        string cacheDir = Path.Combine(_a.Parent, "statcache");
        var time = new FixedTime(DateTimeOffset.UtcNow.AddHours(1));
        var caches = Enumerable.Range(0, 8).Select(_ => StatCache.Open(cacheDir, _a.Root, time)).ToArray();
        foreach (StatCache c in caches)
            await HashAsync(_a, cache: c);
        await Task.WhenAll(caches.Select(c => Task.Run(() => c.SaveAsync(CancellationToken.None))));
        Assert.Single(Directory.GetFiles(cacheDir));
        Assert.Equal(3, StatCache.Open(cacheDir, _a.Root, time).Count);
    }

    [Fact]
    public async Task A_cache_for_another_context_is_rejected()
    {
        Populate(_a);
        StatCache other = StatCache.Open(Path.Combine(_a.Parent, "statcache"), _b.Root);
        await Assert.ThrowsAsync<ArgumentException>(() => HashAsync(_a, cache: other));
    }
}
