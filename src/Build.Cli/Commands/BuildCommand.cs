using Build.Engine.Content;
using System.CommandLine;
using System.Globalization;
using Build.Cli.Options;
using Build.Cli.Progress;
using Build.Engine;
using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Export;
using Build.Engine.Graph;
using Build.Engine.Solving;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder build [flags] CONTEXT</c>: docker buildx build's flags and defaults, BuildKit's progress, and on
/// failure the failing instruction with its Dockerfile line and the last lines of its output.
/// </summary>
internal static class BuildCommand
{
    internal static Command Create()
    {
        var context = new Argument<string>("CONTEXT") { Description = "Build context directory, or - to read a tar from stdin" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "Name and optionally a tag (name:tag); repeatable", AllowMultipleArgumentsPerToken = false };
        var file = new Option<string?>("--file", "-f") { Description = "Name of the Dockerfile (default: CONTEXT/Dockerfile; - reads it from stdin)" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "Set a build-time variable (KEY=VALUE, or KEY to take it from the environment)" };
        var target = new Option<string?>("--target") { Description = "Set the target build stage to build" };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use cache when building the image" };
        var noCacheFilter = new Option<string[]>("--no-cache-filter") { Description = "Do not cache the specified stages" };
        var pull = new Option<bool>("--pull") { Description = "Always attempt to pull all referenced images" };
        var network = new Option<string>("--network") { Description = "Networking mode for RUN instructions: host (default) or none", DefaultValueFactory = _ => "host" };
        var runtime = new Option<string?>("--runtime") { Description = "Run RUN steps with: builder (the built-in sandbox, default) or an OCI runtime (runc, or a path to one)" };
        var secrets = new Option<string[]>("--secret") { Description = "Secret to expose to the build: id=ID,src=FILE or id=ID,env=VAR" };
        var labels = new Option<string[]>("--label") { Description = "Set metadata for an image (KEY=VALUE)" };
        var platform = new Option<string?>("--platform") { Description = "Target platform (default: this host's, e.g. linux/amd64)" };
        var progress = new Option<string>("--progress") { Description = "Progress output: auto, plain, tty, quiet, rawjson", DefaultValueFactory = _ => "auto" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress the build output and print the image ID on success" };
        var outputs = new Option<string[]>("--output", "-o") { Description = "Output destination (type=image|oci|docker|local|tar,dest=...,name=...)" };
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image ID to the file" };
        var metricsFile = new Option<string?>("--metrics-file") { Description = "Write per-step cache metrics (JSON) to the file" };
        var explain = new Option<bool>("--explain-cache") { Description = "Explain every cache miss (what changed since the last build of the step)" };
        var memory = new Option<string?>("--memory", "-m") { Description = "Memory limit for RUN steps (e.g. 512m, 2g)" };
        var pids = new Option<long?>("--pids-limit") { Description = "Process limit for RUN steps" };
        var cpuShares = new Option<long?>("--cpu-shares") { Description = "CPU shares (relative weight) for RUN steps" };
        var cpuQuota = new Option<long?>("--cpu-quota") { Description = "CPU CFS quota in microseconds per 100 ms for RUN steps" };
        var insecure = RegistryCommandOptions.InsecureRegistry();
        var cacheFrom = new Option<string[]>("--cache-from") { Description = "External cache source: type=registry,ref=REF or type=local,src=DIR (a bare REF is a registry); repeatable" };
        var cacheTo = new Option<string[]>("--cache-to") { Description = "Cache export destination: type=registry,ref=REF[,mode=min|max] or type=local,dest=DIR[,mode=min|max]; repeatable" };

        var cmd = new Command("build", "Build an image from a Dockerfile")
        {
            context, tags, file, buildArgs, target, noCache, noCacheFilter, pull, network, runtime, secrets, labels, platform,
            progress, quiet, outputs, iidFile, metricsFile, explain, memory, pids, cpuShares, cpuQuota, insecure,
            cacheFrom, cacheTo,
        };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            bool q = parseResult.GetValue(quiet);
            string progressText = q ? "quiet" : parseResult.GetValue(progress)!;
            if (!ProgressRenderer.TryParseMode(progressText, out var mode))
                throw new BuildException(ErrorCode.InvalidArgument, $"--progress: invalid value \"{progressText}\" (expected auto, plain, tty, quiet or rawjson)");
            var tagList = parseResult.GetValue(tags) ?? [];
            foreach (var t in tagList)
            {
                if (!ImageReference.TryParse(t, out _))
                    throw new BuildException(ErrorCode.InvalidArgument, $"-t: invalid reference format: \"{t}\"");
            }
            var root = CliApp.ResolveRoot(parseResult);
            string contextArg = parseResult.GetValue(context)!;
            string? dockerfile = parseResult.GetValue(file);
            string? dockerfileText = null;
            string? tempContext = null;
            try
            {
                if (contextArg == "-")
                {
                    if (dockerfile == "-")
                        throw new BuildException(ErrorCode.InvalidArgument, "-f -: the Dockerfile and the context cannot both come from stdin");
                    tempContext = Path.Combine(root.TempDirectory, "context-" + Guid.NewGuid().ToString("N"));
                    Directory.CreateDirectory(tempContext);
                    await using var stdin = Console.OpenStandardInput();
                    await LayerUnpacker.ApplyAsync(stdin, tempContext, new UnpackOptions { PreserveOwnership = false, AllowDevices = false }, ct).ConfigureAwait(false);
                    contextArg = tempContext;
                }
                if (dockerfile == "-")
                {
                    dockerfileText = await Console.In.ReadToEndAsync(ct).ConfigureAwait(false);
                    dockerfile = null;
                }
                else if (dockerfile is not null && !Path.IsPathRooted(dockerfile) && tempContext is not null)
                {
                    dockerfile = Path.Combine(contextArg, dockerfile);
                }
                var request = new BuildRequest
                {
                    ContextDirectory = contextArg,
                    DockerfilePath = dockerfile,
                    DockerfileText = dockerfileText,
                    Tags = tagList,
                    BuildArgs = KeyValueArgs.Parse("--build-arg", parseResult.GetValue(buildArgs) ?? [], Environment.GetEnvironmentVariable)
                        .Select(kv => new KeyValue(kv.Key, kv.Value)).ToList(),
                    Target = parseResult.GetValue(target),
                    NoCache = parseResult.GetValue(noCache),
                    NoCacheStages = (parseResult.GetValue(noCacheFilter) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(s => s.ToLowerInvariant()).ToHashSet(),
                    Pull = parseResult.GetValue(pull),
                    Network = ParseNetwork(parseResult.GetValue(network)!),
                    Runtime = parseResult.GetValue(runtime),
                    Secrets = ParseSecrets(parseResult.GetValue(secrets) ?? []),
                    Labels = KeyValueArgs.Parse("--label", parseResult.GetValue(labels) ?? [], _ => null),
                    Platform = parseResult.GetValue(platform),
                    Outputs = (parseResult.GetValue(outputs) ?? []).Select(o => OutputSpec.Parse(o, tagList)).ToList(),
                    ExplainCache = parseResult.GetValue(explain),
                    Limits = new ResourceLimits(
                        parseResult.GetValue(memory) is { } m ? ParseBytes("--memory", m) : null,
                        parseResult.GetValue(pids),
                        parseResult.GetValue(cpuShares),
                        parseResult.GetValue(cpuQuota)),
                    SourceDateEpoch = ParseEpoch(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH")),
                    CacheFrom = (parseResult.GetValue(cacheFrom) ?? []).Select(c => CacheSpecs.Parse("--cache-from", c, export: false)).ToList(),
                    CacheTo = (parseResult.GetValue(cacheTo) ?? []).Select(c => CacheSpecs.Parse("--cache-to", c, export: true)).ToList(),
                };
                var insecureRegistries = parseResult.GetValue(insecure) ?? [];
                var service = new BuildService(root, TimeProvider.System, Environment.GetEnvironmentVariable,
                    RegistryAccess.CreatePuller(root, insecureRegistries, TextWriter.Null),
                    RegistryAccess.CreateOptions(root, insecureRegistries, TextWriter.Null));
                using var renderer = ProgressRenderer.Create(mode, stderr, !Console.IsErrorRedirected, TimeProvider.System);
                BuildResult result;
                try
                {
                    result = await service.BuildAsync(request, renderer, ct).ConfigureAwait(false);
                    renderer.OnCompleted();
                }
                catch (StepFailedException e)
                {
                    renderer.OnError(e);
                    ErrorReport.Write(stderr, e, request.DockerfileText ?? TryRead(request.DockerfilePath ?? Path.Combine(contextArg, "Dockerfile")));
                    return CliApp.Failure;
                }
                if (parseResult.GetValue(iidFile) is { } iid)
                    await AtomicFile.WriteAllTextAsync(iid, result.ImageId.ToString(), ct).ConfigureAwait(false);
                if (parseResult.GetValue(metricsFile) is { } mf)
                    await AtomicFile.WriteAsync(mf, s => { result.Metrics.WriteJson(s); return Task.CompletedTask; }, ct).ConfigureAwait(false);
                if (q)
                    await stdout.WriteLineAsync(result.ImageId.ToString()).ConfigureAwait(false);
                else if (mode != ProgressMode.RawJson)
                    await stderr.WriteLineAsync(Summary(result, tagList)).ConfigureAwait(false);
                return 0;
            }
            finally
            {
                if (tempContext is not null)
                    Directory.Delete(tempContext, recursive: true);
            }
        });
        return cmd;
    }

    private static string Summary(BuildResult r, IReadOnlyList<string> tags)
    {
        var m = r.Metrics;
        string names = tags.Count > 0 ? " as " + string.Join(", ", tags) : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"built {r.ImageId}{names} in {m.Duration.TotalSeconds:0.0}s: {m.Hits} cached, {m.Executed} executed ({m.HitRatio:P0} hits)");
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Build.Engine.Execution.NetworkMode ParseNetwork(string text) => text.ToLowerInvariant() switch
    {
        "host" or "default" => Build.Engine.Execution.NetworkMode.Host,
        "none" => Build.Engine.Execution.NetworkMode.None,
        _ => throw new BuildException(ErrorCode.InvalidArgument, $"--network: invalid value \"{text}\" (expected host or none)"),
    };

    internal static Dictionary<string, SecretSource> ParseSecrets(IEnumerable<string> values)
    {
        var result = new Dictionary<string, SecretSource>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            string? id = null, src = null, env = null;
            foreach (var (k, val) in CsvFields.Parse("--secret", v))
            {
                switch (k)
                {
                    case "id": id = val; break;
                    case "src" or "source": src = val; break;
                    case "env": env = val; break;
                    case "type" when val is "file" or "env": break;
                    default: throw new BuildException(ErrorCode.InvalidArgument, $"--secret: unknown attribute \"{k}\" (expected id, src, env, type)");
                }
            }
            if (string.IsNullOrEmpty(id))
                throw new BuildException(ErrorCode.InvalidArgument, "--secret: id= is required");
            if (src is not null && !File.Exists(src))
                throw new BuildException(ErrorCode.NotFound, $"--secret id={id}: file {src} not found");
            if (src is null && env is null)
                env = id; // buildx: a bare id reads the environment variable of that name
            result[id] = new SecretSource(id, src, src is null ? env : null);
        }
        return result;
    }

    internal static long ParseBytes(string flag, string text)
    {
        string t = text.Trim().ToLowerInvariant();
        long multiplier = 1;
        if (t.EndsWith('b'))
            t = t[..^1];
        switch (t.Length > 0 ? t[^1] : ' ')
        {
            case 'k': multiplier = 1L << 10; t = t[..^1]; break;
            case 'm': multiplier = 1L << 20; t = t[..^1]; break;
            case 'g': multiplier = 1L << 30; t = t[..^1]; break;
            case 't': multiplier = 1L << 40; t = t[..^1]; break;
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0)
            throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: invalid size \"{text}\" (e.g. 512m, 2g)");
        return (long)(v * multiplier);
    }

    private static DateTimeOffset? ParseEpoch(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            throw new BuildException(ErrorCode.InvalidArgument, $"SOURCE_DATE_EPOCH: \"{text}\" is not a number of seconds");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
