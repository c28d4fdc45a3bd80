using BenchmarkDotNet.Attributes;
using Build.Engine.Caching;
using Build.Parser.Ignore;

namespace Build.Benchmarks;

/// <summary>
/// Walking, selecting and hashing a 5,000-file context (about 43 MB, like benchmarks/scenarios' COPY case): cold (every
/// file read) and warm (the stat cache, loaded from disk, vouches for every file).
/// </summary>
[MemoryDiagnoser]
public class ContextHashBenchmarks
{
    private string _dir = "";
    private string _context = "";
    private string _cacheDir = "";
    private BuildContext? _build;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("ctx-bench").FullName;
        _context = Path.Combine(_dir, "ctx");
        _cacheDir = Path.Combine(_dir, "statcache");
        var rng = new Random(42);
        for (int i = 0; i < 5000; i++)
        {
            string sub = Path.Combine(_context, "d" + (i % 50), "e" + (i % 7));
            Directory.CreateDirectory(sub);
            byte[] data = new byte[4096 + rng.Next(8192)];
            rng.NextBytes(data);
            File.WriteAllBytes(Path.Combine(sub, $"f{i}.bin"), data);
        }
        File.WriteAllText(Path.Combine(_context, ".dockerignore"), "**/*.tmp\n");
        _build = new BuildContext(_context, IgnoreMatcher.Create(["**/*.tmp"]));
        // Files were written just now; a clock an hour ahead keeps them out of the racy window so the warm run can hit.
        StatCache cache = StatCache.Open(_cacheDir, _context, Later);
        new FileTreeHasher(cache).HashAsync(_build, Select(), FileTreeHashOptions.Default, CancellationToken.None).GetAwaiter().GetResult();
        cache.SaveAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private static TimeProvider Later { get; } = new LaterClock();

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<SelectedEntry> Select() => new SourceSelector(_build!).Select(new CopySources(["."]));

    [Benchmark]
    public async Task<int> ColdNoStatCache()
    {
        FileTreeDigest d = await new FileTreeHasher().HashAsync(_build!, Select(), FileTreeHashOptions.Default, CancellationToken.None);
        return d.Statistics.FilesHashed;
    }

    [Benchmark]
    public async Task<int> WarmStatCache()
    {
        StatCache cache = StatCache.Open(_cacheDir, _context, Later);
        FileTreeDigest d = await new FileTreeHasher(cache).HashAsync(_build!, Select(), FileTreeHashOptions.Default, CancellationToken.None);
        if (d.Statistics.FilesHashed != 0)
            throw new InvalidOperationException("warm run read files");
        return d.Statistics.FilesFromStatCache;
    }

    [Benchmark]
    public int WalkAndSelectOnly() => Select().Count;

    private sealed class LaterClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddHours(1);
    }
}
