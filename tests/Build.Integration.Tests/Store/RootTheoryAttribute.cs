namespace Build.Integration.Tests.Store;

/// <summary>A theory with <see cref="Support.RootFactAttribute"/>'s requirements (root, namespaces, busybox-static).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute() => Skip = new Support.RootFactAttribute().Skip;
}
