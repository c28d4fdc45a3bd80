using Build.Parser.Expansion;

namespace Build.Parser.Tests.Expansion;

public class ShellLexTests
{
    private static readonly DictionaryEnvLookup Env = new(new Dictionary<string, string>
    {
        ["F"] = "foo.tar.gz",
        ["P"] = "/usr/local/bin",
        ["STAR"] = "*a*b",
        ["EMPTY"] = "",
        ["SPACED"] = " a  b ",
        ["EMOJI"] = "x😀y",
    });

    private static readonly ShellLex Lex = new('\\');

    [Theory]
    [InlineData("${F#*.}", "tar.gz")]
    [InlineData("${F##*.}", "gz")]
    [InlineData("${F%.*}", "foo.tar")]
    [InlineData("${F%%.*}", "foo")]
    [InlineData("${F#foo}", ".tar.gz")]
    [InlineData("${F#bar}", "foo.tar.gz")]
    [InlineData("${F%gz}", "foo.tar.")]
    [InlineData("${P##*/}", "bin")]
    [InlineData("${P%/*}", "/usr/local")]
    [InlineData("${P#/*/}", "local/bin")]
    [InlineData("${P##/*/}", "bin")]
    [InlineData("${F#???}", ".tar.gz")]
    [InlineData("${STAR#\\*}", "a*b")]
    [InlineData("${STAR%\\*b}", "*a")]
    [InlineData("${UNSET#x}", "")]
    [InlineData("${EMOJI#x?}", "y")]
    [InlineData("${EMOJI%?y}", "x")]
    public void Prefix_and_suffix_removal_follow_shortest_and_longest_glob(string input, string expected)
    {
        Assert.Equal(expected, Lex.ProcessWord(input, Env));
    }

    [Theory]
    [InlineData("${F/o/0}", "f0o.tar.gz")]
    [InlineData("${F//o/0}", "f00.tar.gz")]
    [InlineData("${F/*./}", "gz")]
    [InlineData("${F//./-}", "foo-tar-gz")]
    [InlineData("${F/x/y}", "foo.tar.gz")]
    [InlineData("${P//\\//:}", ":usr:local:bin")]
    [InlineData("${F/t?r/TAR}", "foo.TAR.gz")]
    [InlineData("${UNSET/a/b}", "")]
    public void Pattern_substitution_replaces_first_or_all_longest_matches(string input, string expected)
    {
        Assert.Equal(expected, Lex.ProcessWord(input, Env));
    }

    [Theory]
    [InlineData("${F/o}", "missing '/'")]
    [InlineData("${F/o/0", "missing '}'")]
    [InlineData("${F#\\q}", "invalid escape")]
    [InlineData("${F:#foo}", "unsupported modifier")]
    [InlineData("${F:%foo}", "unsupported modifier")]
    [InlineData("${F:=x}", "unsupported modifier")]
    [InlineData("${UNSET:?must be given}", "UNSET: must be given")]
    [InlineData("${UNSET?}", "UNSET: is not allowed to be unset")]
    [InlineData("${EMPTY:?}", "EMPTY: is not allowed to be empty")]
    [InlineData("'abc", "single-quote")]
    [InlineData("\"abc", "double-quote")]
    public void Errors_carry_a_message_naming_the_problem(string input, string fragment)
    {
        var ex = Assert.Throws<ExpansionException>(() => Lex.ProcessWord(input, Env));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Contains(input, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Used_and_unset_names_are_reported()
    {
        ExpansionResult r = Lex.Process("$F ${NOPE:-$P} ${EMPTY:+x} '$QUOTED' \\$ESCAPED", Env);
        Assert.Equal(["EMPTY", "F", "P"], r.Used.Order(StringComparer.Ordinal));
        Assert.Equal(["NOPE"], r.Unset.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_word_without_variables_reports_no_names()
    {
        ExpansionResult r = Lex.Process("/app/src", Env);
        Assert.Equal("/app/src", r.Value);
        Assert.Equal(["/app/src"], r.Words);
        Assert.Empty(r.Used);
        Assert.Empty(r.Unset);
    }

    [Fact]
    public void Backtick_escape_token_leaves_backslashes_alone()
    {
        var lex = new ShellLex('`');
        Assert.Equal(@"C:\path\to", lex.ProcessWord(@"C:\path\to", Env));
        Assert.Equal("a$F", lex.ProcessWord("a`$F", Env));
        Assert.Equal("say \"hi\"", lex.ProcessWord("\"say `\"hi`\"\"", Env));
        Assert.Equal(["a b", "c"], lex.ProcessWords("a` b c", Env));
    }

    [Fact]
    public void Skip_unset_env_keeps_references_to_unset_variables()
    {
        var lex = new ShellLex('\\', ShellLexOptions.SkipUnsetEnv);
        Assert.Equal("$X ${Y} ${Z:-d} foo.tar.gz", lex.ProcessWord("$X ${Y} ${Z:-d} $F", Env));
    }

    [Fact]
    public void Skip_process_quotes_treats_quotes_as_text()
    {
        var lex = new ShellLex('\\', ShellLexOptions.SkipProcessQuotes);
        Assert.Equal("echo 'foo.tar.gz' \"x\"", lex.ProcessWord("echo '$F' \"x\"", Env));
    }

    [Fact]
    public void Raw_quotes_keep_quote_characters()
    {
        var lex = new ShellLex('\\', ShellLexOptions.RawQuotes);
        Assert.Equal("'$F' \"foo.tar.gz\"", lex.ProcessWord("'$F' \"$F\"", Env));
    }

    [Fact]
    public void Unquoted_expansions_split_but_quoted_ones_do_not()
    {
        Assert.Equal(["a", "b"], Lex.ProcessWords("$SPACED", Env));
        Assert.Equal([" a  b "], Lex.ProcessWords("\"$SPACED\"", Env));
        Assert.Equal(["80/tcp", "443"], Lex.ProcessWords("80/tcp  443", Env));
        Assert.Equal(["a", "b"], Lex.ProcessWords("a \"\" b", Env));
    }

    [Fact]
    public void Heredoc_marker_keeps_its_blanks()
    {
        Assert.Equal(["<< EOF", "/dst"], Lex.ProcessWords("<< EOF /dst", Env));
    }

    [Fact]
    public void Instances_are_safe_to_share_between_threads()
    {
        Parallel.For(0, 2000, i =>
        {
            var env = new DictionaryEnvLookup(new Dictionary<string, string> { ["I"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Assert.Equal($"v{i}.x", Lex.ProcessWord("v${I}.${J:-x}", env));
        });
    }

    [Theory]
    [InlineData("RUN", ExpansionMode.None)]
    [InlineData("cmd", ExpansionMode.None)]
    [InlineData("ENTRYPOINT", ExpansionMode.None)]
    [InlineData("SHELL", ExpansionMode.None)]
    [InlineData("HEALTHCHECK", ExpansionMode.None)]
    [InlineData("ONBUILD", ExpansionMode.None)]
    [InlineData("MAINTAINER", ExpansionMode.None)]
    [InlineData("COPY", ExpansionMode.Word)]
    [InlineData("add", ExpansionMode.Word)]
    [InlineData("ENV", ExpansionMode.Word)]
    [InlineData("LABEL", ExpansionMode.Word)]
    [InlineData("WORKDIR", ExpansionMode.Word)]
    [InlineData("USER", ExpansionMode.Word)]
    [InlineData("STOPSIGNAL", ExpansionMode.Word)]
    [InlineData("VOLUME", ExpansionMode.Word)]
    [InlineData("ARG", ExpansionMode.Word)]
    [InlineData("FROM", ExpansionMode.Word)]
    [InlineData("EXPOSE", ExpansionMode.Words)]
    public void Instruction_rules_match_buildkit(string instruction, ExpansionMode mode)
    {
        Assert.Equal(mode, ExpansionRules.ForArguments(instruction));
    }

    [Theory]
    [InlineData("COPY", "--chown", true)]
    [InlineData("COPY", "chmod", true)]
    [InlineData("COPY", "from", false)]
    [InlineData("ADD", "checksum", true)]
    [InlineData("FROM", "platform", true)]
    [InlineData("RUN", "mount", true)]
    [InlineData("RUN", "network", false)]
    public void Flag_rules_match_buildkit(string instruction, string flag, bool expands)
    {
        Assert.Equal(expands, ExpansionRules.ExpandsFlag(instruction, flag));
    }

    [Fact]
    public void Heredoc_bodies_expand_only_for_copy_and_add_with_unquoted_marker()
    {
        Assert.True(ExpansionRules.ExpandsHeredocBody("COPY", markerQuoted: false));
        Assert.False(ExpansionRules.ExpandsHeredocBody("COPY", markerQuoted: true));
        Assert.False(ExpansionRules.ExpandsHeredocBody("RUN", markerQuoted: false));
    }
}
