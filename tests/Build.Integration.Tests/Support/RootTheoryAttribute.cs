namespace Build.Integration.Tests.Support;

/// <summary>
/// A data-driven <see cref="RootFactAttribute"/>: a theory that needs root, Linux namespaces, busybox-static and the
/// named tools. xunit 2.9 has no dynamic skip, so the reason is set in the constructor; CI has all of them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute(params string[] tools)
    {
        Skip = new RootFactAttribute().Skip;
        var missing = tools.Where(t => Oci.Tools.Find(t) is null).ToList();
        if (Skip is null && missing.Count > 0)
            Skip = "not installed: " + string.Join(", ", missing) + " (apt-get install " + string.Join(' ', missing) + ")";
    }
}
