using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

internal enum FlagKind
{
    /// <summary><c>--link</c>, <c>--link=true</c>, <c>--link=false</c>.</summary>
    Bool,

    /// <summary><c>--from=value</c>, at most once.</summary>
    String,

    /// <summary><c>--mount=value</c>, repeatable.</summary>
    Strings,
}

/// <summary>Which flags each instruction accepts (BuildKit's instruction parser, labs-only flags excluded).</summary>
internal static class FlagSpec
{
    private static readonly Dictionary<InstructionKind, (string Name, FlagKind Kind)[]> Specs = new()
    {
        [InstructionKind.From] = [("platform", FlagKind.String)],
        [InstructionKind.Run] = [("mount", FlagKind.Strings), ("network", FlagKind.String), ("security", FlagKind.String)],
        [InstructionKind.Copy] =
        [
            ("from", FlagKind.String), ("chown", FlagKind.String), ("chmod", FlagKind.String), ("link", FlagKind.Bool),
            ("parents", FlagKind.Bool), ("exclude", FlagKind.Strings),
        ],
        [InstructionKind.Add] =
        [
            ("chown", FlagKind.String), ("chmod", FlagKind.String), ("link", FlagKind.Bool), ("keep-git-dir", FlagKind.Bool),
            ("checksum", FlagKind.String), ("unpack", FlagKind.Bool), ("exclude", FlagKind.Strings),
        ],
        [InstructionKind.Healthcheck] =
        [
            ("interval", FlagKind.String), ("timeout", FlagKind.String), ("start-period", FlagKind.String),
            ("start-interval", FlagKind.String), ("retries", FlagKind.String),
        ],
    };

    public static ReadOnlySpan<(string Name, FlagKind Kind)> For(InstructionKind kind) =>
        Specs.TryGetValue(kind, out var flags) ? flags : [];

    /// <summary>The instructions (other than <paramref name="except"/>) that accept a flag named <paramref name="name"/>.</summary>
    public static IEnumerable<InstructionKind> OwnersOf(string name, InstructionKind except)
    {
        foreach (var (kind, flags) in Specs)
        {
            if (kind != except && Array.Exists(flags, f => f.Name == name))
                yield return kind;
        }
    }
}
