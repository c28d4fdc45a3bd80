using Build.Parser.Parsing;
using Build.Parser.Syntax;

namespace Build.Parser.Tests.Parsing;

internal static class ParseHelpers
{
    /// <summary>Parses and asserts there is no error.</summary>
    public static ParseResult Ok(string text)
    {
        var result = DockerfileParser.Parse(text);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        return result;
    }

    /// <summary>The single typed instruction after <c>FROM base</c>.</summary>
    public static T Single<T>(string line) where T : Instruction
    {
        var result = Ok("FROM base\n" + line + "\n");
        Assert.Equal(2, result.Dockerfile.Instructions.Count);
        return Assert.IsType<T>(result.Dockerfile.Instructions[1]);
    }

    /// <summary>Parses and returns the one error.</summary>
    public static Build.Parser.Diagnostics.Diagnostic Error(string text)
    {
        var result = DockerfileParser.Parse(text);
        return Assert.Single(result.Errors);
    }
}
