using Build.Engine;
using Build.Engine.Content;
using Build.Engine.Graph;
using Build.Engine.Solving;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.EndToEnd;

/// <summary>
/// A builder root plus a context directory for end-to-end builds through <see cref="BuildService"/>. The base
/// image <c>busybox:test</c> is built into the root from the busybox-static rootfs (FROM scratch + COPY), the way
/// the README's example makes its base image without a registry.
/// </summary>
public sealed class BuildHarness : IDisposable
{
    private readonly TempDirectory dir = new("builder-e2e");

    public BuildHarness()
    {
        Root = dir.Combine("root");
        Context = dir.Combine("context");
        Directory.CreateDirectory(Context);
    }

    public string Root { get; }

    public string Context { get; }

    public List<BuildEvent> Events { get; } = [];

    public string Write(string relativePath, string content)
    {
        string path = Path.Combine(Context, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The context of the base image: a busybox rootfs and <c>FROM scratch</c>, <c>COPY rootfs/ /</c>, <c>CMD ["/bin/sh"]</c>.</summary>
    internal static string BaseContextDirectory => BaseContext.Value;

    /// <summary>One busybox rootfs context for the whole test run (making it forks once per applet).</summary>
    private static readonly Lazy<string> BaseContext = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "builder-e2e-base-" + Environment.ProcessId);
        if (!File.Exists(Path.Combine(dir, "Dockerfile")))
        {
            TempDirectory.Run(Path.Combine(TestRepository.Root, "testdata/rootfs/make-busybox-rootfs.sh"), Path.Combine(dir, "rootfs"));
            File.WriteAllText(Path.Combine(dir, "Dockerfile"), "FROM scratch\nCOPY rootfs/ /\nCMD [\"/bin/sh\"]\n");
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    /// <summary>Builds <c>busybox:test</c> in this root (from a separate context, so test contexts stay small).</summary>
    public async Task MakeBaseImageAsync(DateTimeOffset? sourceDateEpoch = null)
    {
        await BuildAsync(new BuildRequest { ContextDirectory = BaseContext.Value, Tags = ["busybox:test"], SourceDateEpoch = sourceDateEpoch });
    }

    public Task<BuildResult> BuildAsync(string dockerfile, params (string Key, string Value)[] args)
    {
        Write("Dockerfile", dockerfile);
        return BuildAsync(new BuildRequest
        {
            ContextDirectory = Context,
            Tags = ["test:latest"],
            BuildArgs = args.Select(a => new KeyValue(a.Key, a.Value)).ToList(),
            ExplainCache = true,
        });
    }

    public async Task<BuildResult> BuildAsync(BuildRequest request)
    {
        Events.Clear();
        var service = new BuildService(new BuilderRoot(Root), TimeProvider.System, Environment.GetEnvironmentVariable);
        return await service.BuildAsync(request, new EventCollector(Events), CancellationToken.None);
    }

    public void Dispose() => dir.Dispose();
}
