using System.Text;
using Build.Parser.Dump;
using Build.Parser.Parsing;

namespace Build.Parser.Tests;

/// <summary>
/// Seeded random mutations of every conformance Dockerfile: the parser must never throw and must always return a
/// tree or diagnostics. Seeds are fixed so a failure is reproducible; the failing seed is in the message.
/// </summary>
public class FuzzTests
{
    private const int Iterations = 12_000;

    private static readonly string[] Fragments =
    [
        "\\\n", "`\n", "\r\n", "\n", "#", "# escape=`\n", "# syntax=x\n", "<<EOF\n", "<<-'E'\n", "\nEOF\n", "\tEOF\n", "<<",
        "[\"a\", ", "]", "[1]", "[", "\"", "'", "--mount=type=cache,target=/x", "--from=", "--", "=", "${", "$x", "\uFEFF",
        "ONBUILD ", "RUN ", "COPY <<A <<B /d\nA\nB\n", "HEALTHCHECK --interval=", "ENV ", "LABEL a", "ARG ", "FROM ", "\u0000",
        "\u00a0", "\ud800", "💥", " AS ", "\\", "`",
    ];

    private static readonly string[] Corpus = LoadCorpus();

    private static string[] LoadCorpus()
    {
        var files = Directory.GetFiles(Path.Combine(SharedData.ParserDir), "Dockerfile", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return [.. files.Select(SharedData.ReadDockerfile)];
    }

    [Fact]
    public void Random_mutations_never_throw()
    {
        var random = new Random(20240601);
        for (int i = 0; i < Iterations; i++)
        {
            string input = Mutate(random, Corpus[random.Next(Corpus.Length)]);
            try
            {
                var result = DockerfileParser.Parse(input);
                Assert.NotNull(result.Syntax);
                Assert.True(result.Syntax.Instructions.Count > 0 || result.HasErrors, "no instructions must be an error");
                _ = AstDumper.Dump(result.Syntax);
                foreach (var d in result.Diagnostics)
                {
                    Assert.True(d.Span.Start.Line >= 1 && d.Span.Start.Column >= 1, d.ToString());
                    Assert.False(string.IsNullOrWhiteSpace(d.Message));
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name}: {e.Message}\ninput: {Escape(input)}\n{e.StackTrace}");
            }
        }
    }

    private static string Mutate(Random random, string text)
    {
        int rounds = 1 + random.Next(4);
        for (int r = 0; r < rounds; r++)
        {
            switch (random.Next(6))
            {
                case 0: // byte flip
                    {
                        if (text.Length == 0)
                            break;
                        var bytes = Encoding.UTF8.GetBytes(text);
                        int at = random.Next(bytes.Length);
                        bytes[at] ^= (byte)(1 << random.Next(8));
                        text = Encoding.UTF8.GetString(bytes);
                        break;
                    }
                case 1: // truncation
                    text = text[..random.Next(text.Length + 1)];
                    break;
                case 2: // splice a line from another file
                    {
                        var other = Corpus[random.Next(Corpus.Length)].Split('\n');
                        var lines = text.Split('\n').ToList();
                        lines.Insert(random.Next(lines.Count + 1), other[random.Next(other.Length)]);
                        text = string.Join('\n', lines);
                        break;
                    }
                case 3: // random heredoc
                    {
                        string name = random.Next(3) switch { 0 => "EOF", 1 => "'X'", _ => "-\"E F\"" };
                        string body = random.Next(2) == 0 ? "echo hi\n" + name.Trim('\'', '"', '-') + "\n" : "no terminator\n";
                        text = InsertAt(random, text, $"\nRUN cat <<{name}\n{body}");
                        break;
                    }
                case 4: // insert a tricky fragment
                    text = InsertAt(random, text, Fragments[random.Next(Fragments.Length)]);
                    break;
                default: // delete a range
                    {
                        if (text.Length == 0)
                            break;
                        int start = random.Next(text.Length);
                        text = text.Remove(start, random.Next(Math.Min(20, text.Length - start) + 1));
                        break;
                    }
            }
        }
        return text;
    }

    private static string InsertAt(Random random, string text, string fragment) => text.Insert(random.Next(text.Length + 1), fragment);

    private static string Escape(string s) => s.Length > 400 ? Dump.GoQuote.Quote(s[..400]) + "..." : Dump.GoQuote.Quote(s);
}
