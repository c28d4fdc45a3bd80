namespace Build.Parser.Tests;

/// <summary>Locates ../shared (the conformance data) relative to the repository root.</summary>
internal static class SharedData
{
    public static string Root { get; } = Locate();

    public static string ParserDir => Path.Combine(Root, "conformance", "buildkit", "parser");

    private static string Locate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Builder.sln")))
            dir = dir.Parent;
        if (dir is null)
            throw new InvalidOperationException("Builder.sln not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
    }

    /// <summary>Reads a Dockerfile the way the CLI does: bytes decoded as UTF-8 (a BOM stays in the text).</summary>
    public static string ReadDockerfile(string path) =>
        new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(path));
}
