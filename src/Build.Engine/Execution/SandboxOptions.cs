namespace Build.Engine.Execution;

/// <summary>Host-side settings of <see cref="NamespaceExecutor"/>.</summary>
/// <param name="StateDirectory">Where per-step files (spec, hosts, resolv.conf) are written, e.g. <c>&lt;root&gt;/exec</c>.</param>
/// <param name="HelperPath">The <c>builder-sandbox</c> binary; null looks next to the engine assembly.</param>
/// <param name="CgroupParent">Name of the cgroup that holds the steps' cgroups.</param>
/// <param name="HostResolvConf">The host file copied into steps as /etc/resolv.conf.</param>
public sealed record SandboxOptions(
    string StateDirectory,
    string? HelperPath = null,
    string CgroupParent = "builder",
    string HostResolvConf = "/etc/resolv.conf");
