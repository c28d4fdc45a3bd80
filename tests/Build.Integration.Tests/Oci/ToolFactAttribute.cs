namespace Build.Integration.Tests.Oci;

/// <summary>
/// A fact that runs only when every named tool is on PATH (CI installs them via .ci/run); otherwise
/// it is skipped with the reason, because xunit 2.9 has no dynamic skip.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => Tools.Find(t) is null).ToList();
        if (missing.Count > 0)
            Skip = "not installed: " + string.Join(", ", missing) + " (apt-get install " + string.Join(' ', missing.Select(m => m == "busybox" ? "busybox-static" : m)) + ")";
    }
}
