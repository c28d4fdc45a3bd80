namespace Build.Integration.Tests.Support;

/// <summary>Finds the repository root (the directory holding Builder.sln) from the test binary.</summary>
public static class TestRepository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Builder.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Builder.sln not found above " + AppContext.BaseDirectory);
    }
}
