namespace Build.Integration.Tests.Registry;

/// <summary>
/// A fact that runs only when every named tool is on PATH (CI installs them: docker-registry, skopeo,
/// htpasswd). xunit 2.9 has no dynamic skip, so the constructor sets <see cref="FactAttribute.Skip"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        string[] missing = tools.Where(t => FindOnPath(t) is null).ToArray();
        if (missing.Length > 0)
            Skip = $"needs {string.Join(", ", missing)} on PATH (apt-get install docker-registry skopeo apache2-utils)";
    }

    public static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
