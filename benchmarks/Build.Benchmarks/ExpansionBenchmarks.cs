using System.Text;
using BenchmarkDotNet.Attributes;
using Build.Parser.Expansion;

namespace Build.Benchmarks;

/// <summary>
/// Expanding 10,000 Dockerfile-like words (paths, $VAR, ${VAR:-default}, quoted text) with the full BuildKit lexer,
/// beside a plain loop that only substitutes $VAR and ${VAR} (no quotes, escapes or modifiers) as the baseline.
/// </summary>
[MemoryDiagnoser]
public class ExpansionBenchmarks
{
    private readonly ShellLex _lex = new('\\');
    private string[] _words = [];
    private Dictionary<string, string> _env = [];
    private DictionaryEnvLookup _lookup = DictionaryEnvLookup.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APP"] = "/srv/app",
            ["VERSION"] = "1.2.3",
            ["USER"] = "builder",
            ["GOOS"] = "linux",
        };
        _lookup = new DictionaryEnvLookup(_env);
        string[] shapes =
        [
            "/usr/local/bin",
            "$APP/bin",
            "${APP}/config-${VERSION}.yaml",
            "${MISSING:-/opt/default}",
            "app-$VERSION-$GOOS.tar.gz",
            "\"quoted $USER home\"",
            "plain-word",
            "${VERSION}",
        ];
        _words = [.. Enumerable.Range(0, 10_000).Select(i => shapes[i % shapes.Length])];
    }

    [Benchmark(Baseline = true)]
    public int HandWrittenDollarVarLoop()
    {
        int total = 0;
        var sb = new StringBuilder();
        foreach (string w in _words)
        {
            if (w.IndexOf('$') < 0)
            {
                total += w.Length;
                continue;
            }
            sb.Clear();
            for (int i = 0; i < w.Length; i++)
            {
                if (w[i] != '$')
                {
                    sb.Append(w[i]);
                    continue;
                }
                bool braced = i + 1 < w.Length && w[i + 1] == '{';
                int start = braced ? i + 2 : i + 1;
                int end = start;
                while (end < w.Length && (char.IsAsciiLetterOrDigit(w[end]) || w[end] == '_'))
                    end++;
                if (_env.TryGetValue(w[start..end], out string? v))
                    sb.Append(v);
                i = braced && end < w.Length && w[end] == '}' ? end : end - 1;
            }
            total += sb.Length;
        }
        return total;
    }

    [Benchmark]
    public int ShellLexProcessWord()
    {
        int total = 0;
        foreach (string w in _words)
            total += _lex.ProcessWord(w, _lookup).Length;
        return total;
    }

    [Benchmark]
    public int ShellLexProcessWithUsedNames()
    {
        int total = 0;
        foreach (string w in _words)
            total += _lex.Process(w, _lookup).Used.Count;
        return total;
    }
}
