using Build.Parser.Expansion;
using Build.Parser.Ignore;

namespace Build.Parser.Tests.Expansion;

/// <summary>Random inputs built from the characters that matter: the lexer and the matcher fail only with their own errors.</summary>
public class ShellLexFuzzTests
{
    private const string Alphabet = "$${}{}:-+?#%/\\'\"` aZ_09*!@.\t\n😀[]^";

    private static string RandomText(Random rng, int max)
    {
        int len = rng.Next(max);
        var chars = new char[len];
        for (int i = 0; i < len; i++)
            chars[i] = Alphabet[rng.Next(Alphabet.Length)];
        return new string(chars);
    }

    [Fact]
    public void Random_words_expand_or_fail_with_an_expansion_error()
    {
        var rng = new Random(1234);
        var env = new DictionaryEnvLookup(new Dictionary<string, string> { ["a"] = "x y", ["Z_0"] = "", ["_"] = "*" });
        ShellLex[] lexers = [new('\\'), new('`'), new('\\', ShellLexOptions.SkipUnsetEnv | ShellLexOptions.RawQuotes), new('\\', ShellLexOptions.SkipProcessQuotes)];
        int ok = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string word = RandomText(rng, 24);
            ShellLex lex = lexers[i % lexers.Length];
            if (lex.TryProcess(word, env, out ExpansionResult? r, out string? error))
            {
                ok++;
                Assert.DoesNotContain("", r.Words);
                Assert.Equal(r.Value, lex.ProcessWord(word, env));
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error));
                Assert.Throws<ExpansionException>(() => lex.ProcessWord(word, env));
            }
        }
        Assert.InRange(ok, 1, 19_999);
    }

    [Fact]
    public void Random_patterns_compile_and_match_or_fail_with_a_pattern_error()
    {
        var rng = new Random(99);
        for (int i = 0; i < 5_000; i++)
        {
            string pattern = RandomText(rng, 12);
            string path = RandomText(rng, 16).Replace("\n", "", StringComparison.Ordinal);
            try
            {
                IgnoreMatcher m = IgnoreMatcher.Create([pattern]);
                m.IsIgnored(path);
                m.IsIgnored(path, IgnoreMatchState.Root, out _);
                m.CanIncludeBelow(path);
            }
            catch (IgnorePatternException)
            {
            }
            GoGlob.TryMatch(pattern, path, out _);
        }
    }
}
