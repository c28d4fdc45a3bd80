namespace Build.Parser.Tests;

/// <summary>Locates ../shared (the conformance data) relative to the repository root, which holds Builder.sln.</summary>
internal static class SharedData
{
    public static string Root { get; } = Locate();

    public static string ParserDir => System.IO.Path.Combine(Root, "conformance", "buildkit", "parser");

    /// <summary>A path under ../shared.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Locate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Builder.sln")))
            dir = dir.Parent;
        if (dir is null)
            throw new InvalidOperationException("Builder.sln not found above " + AppContext.BaseDirectory);
        string shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared"));
        if (!Directory.Exists(shared))
            throw new InvalidOperationException("conformance data not found at " + shared);
        return shared;
    }

    /// <summary>Reads a Dockerfile the way the CLI does: bytes decoded as UTF-8 (a BOM stays in the text).</summary>
    public static string ReadDockerfile(string path) =>
        new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(path));
}
