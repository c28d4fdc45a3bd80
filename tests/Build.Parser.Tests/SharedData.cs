namespace Build.Parser.Tests;

/// <summary>Locates ../shared (the conformance data) relative to the repository root, which holds Builder.sln.</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Builder.sln")))
            dir = dir.Parent;
        if (dir?.Parent is null)
            throw new InvalidOperationException("Builder.sln not found above " + AppContext.BaseDirectory);
        string shared = System.IO.Path.Combine(dir.FullName, "..", "shared");
        if (!Directory.Exists(shared))
            throw new InvalidOperationException("conformance data not found at " + shared);
        return shared;
    }
}
