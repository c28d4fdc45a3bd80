using System.Text;
using Build.Parser.Syntax;

namespace Build.Parser.Dump;

/// <summary>
/// BuildKit's AST dump (FORMATS.md §4): one <c>(name [flags] "arg"...)</c> line per instruction, each ending in LF.
/// </summary>
public static class AstDumper
{
    public static string Dump(DockerfileSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        var builder = new StringBuilder();
        foreach (var instruction in syntax.Instructions)
        {
            AppendNode(builder, instruction);
            builder.Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>One instruction, without the line feed.</summary>
    public static string Dump(InstructionNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var builder = new StringBuilder();
        AppendNode(builder, node);
        return builder.ToString();
    }

    private static void AppendNode(StringBuilder builder, InstructionNode node)
    {
        builder.Append('(').Append(node.Name);
        if (node.Flags.Count > 0)
        {
            builder.Append(" [");
            for (int i = 0; i < node.Flags.Count; i++)
            {
                if (i > 0)
                    builder.Append(' ');
                GoQuote.Append(builder, node.Flags[i].Text);
            }
            builder.Append(']');
        }
        foreach (var argument in node.Arguments)
        {
            builder.Append(' ');
            GoQuote.Append(builder, argument.Value);
        }
        if (node.Nested is not null)
        {
            builder.Append(' ');
            AppendNode(builder, node.Nested);
        }
        builder.Append(')');
    }
}
