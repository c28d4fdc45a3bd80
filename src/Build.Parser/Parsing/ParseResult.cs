using Build.Parser.Diagnostics;
using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>
/// What <see cref="DockerfileParser.Parse"/> returns: the syntax tree (always, even for broken input), the typed
/// instructions that could be built, and every diagnostic in source order.
/// </summary>
public sealed record ParseResult(DockerfileSyntax Syntax, Dockerfile Dockerfile, ValueList<Diagnostic> Diagnostics)
{
    public bool HasErrors
    {
        get
        {
            foreach (var diagnostic in Diagnostics)
            {
                if (diagnostic.IsError)
                    return true;
            }
            return false;
        }
    }

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.IsError);
}
