using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>Chooses the <see cref="IExecutor"/> for <c>--runtime</c>.</summary>
public static class Executors
{
    /// <summary>The default: Builder's own namespace sandbox.</summary>
    public const string Builtin = "builder";

    /// <param name="runtime">null, empty or <c>builder</c>: <see cref="NamespaceExecutor"/>; otherwise an OCI runtime
    /// taking runc's command line (<c>runc</c>, <c>crun</c>, or a path to one) for <see cref="OciRuntimeExecutor"/>.</param>
    /// <param name="stateDirectory">Where the executor keeps per-step files.</param>
    public static IExecutor Create(string? runtime, string stateDirectory)
    {
        if (string.IsNullOrEmpty(runtime) || runtime == Builtin)
            return new NamespaceExecutor(new SandboxOptions(stateDirectory));
        var path = Resolve(runtime)
            ?? throw new BuildException(ErrorCode.InvalidArgument, $"--runtime {runtime}: no such OCI runtime (expected builder, runc, crun or a path to one)");
        return new OciRuntimeExecutor(new OciRuntimeOptions(stateDirectory, path));
    }

    private static string? Resolve(string runtime)
    {
        if (runtime.Contains('/', StringComparison.Ordinal))
            return File.Exists(runtime) ? Path.GetFullPath(runtime) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            if (dir.Length == 0)
                continue;
            var candidate = Path.Combine(dir, runtime);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
