using BenchmarkDotNet.Attributes;
using Build.Parser.Ignore;

namespace Build.Benchmarks;

/// <summary>Matching a typical .dockerignore against 10,000 context paths: one call per path, and a walker-style pass.</summary>
[MemoryDiagnoser]
public class IgnoreMatchBenchmarks
{
    private IgnoreMatcher _matcher = IgnoreMatcher.Empty;
    private string[] _paths = [];
    private (string Dir, string[] Files)[] _tree = [];

    [GlobalSetup]
    public void Setup()
    {
        _matcher = IgnoreMatcher.Create(
        [
            ".git", "node_modules", "**/*.log", "!important.log", "build/**", "*.tmp", "docs/*.md", "!docs/README.md",
            "**/__pycache__", "coverage", "dist/*.whl", "secrets/[a-z]*.key",
        ]);
        string[] dirs = ["src", "src/lib", "src/lib/deep", "node_modules/pkg", "docs", "build/out", "tests", "app/__pycache__", "secrets", "web/static"];
        string[] names = ["index.js", "main.py", "debug.log", "README.md", "notes.md", "x.tmp", "a.key", "style.css", "data.json", "Makefile"];
        var paths = new List<string>();
        var tree = new List<(string, string[])>();
        for (int i = 0; paths.Count < 10_000; i++)
        {
            string dir = dirs[i % dirs.Length] + "/d" + (i / dirs.Length);
            string[] files = [.. names.Select(n => dir + "/" + n)];
            paths.AddRange(files);
            tree.Add((dir, files));
        }
        _paths = [.. paths];
        _tree = [.. tree];
    }

    [Benchmark]
    public int IsIgnoredPerPath()
    {
        int n = 0;
        foreach (string p in _paths)
        {
            if (_matcher.IsIgnored(p))
                n++;
        }
        return n;
    }

    [Benchmark]
    public int WalkerStyleIncremental()
    {
        int n = 0;
        foreach ((string dir, string[] files) in _tree)
        {
            IgnoreMatchState state = IgnoreMatchState.Root;
            int slash = -1;
            do
            {
                slash = dir.IndexOf('/', slash + 1);
                _matcher.IsIgnored(slash < 0 ? dir : dir[..slash], state, out state);
            }
            while (slash >= 0);
            foreach (string f in files)
            {
                if (_matcher.IsIgnoredFile(f, state))
                    n++;
            }
        }
        return n;
    }
}
