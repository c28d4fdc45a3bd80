using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Registry;

/// <summary>A build against a real registry: needs what <see cref="RootFactAttribute"/> needs and the named tools.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RegistryBuildFactAttribute : FactAttribute
{
    public RegistryBuildFactAttribute(params string[] tools)
    {
        Skip = new RootFactAttribute().Skip ?? new ToolFactAttribute(tools).Skip;
    }
}
