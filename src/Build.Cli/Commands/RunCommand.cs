using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Snapshots;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder run [--network none|host] [--rm] IMAGE [-- CMD...]</c>: runs a stored image's command in the
/// build sandbox (for smoke tests of built images). <c>--rootfs DIR</c> runs in a directory instead of an
/// image, and <c>--repeat</c>/<c>--commit</c> exist for the sandbox benchmarks (benchmarks/sandbox.sh).
/// </summary>
internal static class RunCommand
{
    internal static Command Create()
    {
        var args = new Argument<string[]>("IMAGE [CMD...]") { Description = "Image name, digest or ID, then the command (put it after -- when it has flags)", Arity = ArgumentArity.ZeroOrMore };
        var network = new Option<string>("--network") { Description = "none (loopback only) or host", DefaultValueFactory = _ => "host" };
        var runtime = new Option<string?>("--runtime") { Description = "builder (the built-in sandbox, default) or an OCI runtime (runc, or a path to one)" };
        var rm = new Option<bool>("--rm") { Description = "Accepted for docker compatibility: the container's filesystem is always removed after it exits" };
        var memory = new Option<string?>("--memory", "-m") { Description = "Memory limit, e.g. 512m or 1g" };
        var pids = new Option<long?>("--pids-limit") { Description = "Maximum number of processes" };
        var user = new Option<string?>("--user", "-u") { Description = "USER to run as (name or uid[:gid]); default the image's" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory; default the image's" };
        var env = new Option<string[]>("--env", "-e") { Description = "Extra environment variables, KEY=value", AllowMultipleArgumentsPerToken = false };
        var rootfs = new Option<string?>("--rootfs") { Description = "Run in this directory (as a read-only lower layer under a fresh overlay) instead of an image", Hidden = true };
        var repeat = new Option<int>("--repeat") { Description = "Run the command N times and report the mean time per run (benchmarks)", Hidden = true, DefaultValueFactory = _ => 1 };
        var commit = new Option<string?>("--commit") { Description = "Write the run's changes as a gzip layer to this file (benchmarks)", Hidden = true };
        var cmd = new Command("run", "Run a command in a new sandbox from a stored image")
        {
            args, network, runtime, rm, memory, pids, user, workdir, env, rootfs, repeat, commit,
        };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var stderr = parseResult.InvocationConfiguration.Error;
            var stdout = parseResult.InvocationConfiguration.Output;
            var words = parseResult.GetValue(args) ?? [];
            var dir = parseResult.GetValue(rootfs);
            var root = CliApp.ResolveRoot(parseResult);
            var snapshots = new SnapshotStore(new SnapshotOptions(Path.Combine(root.Path, "snapshots"),
                Report: message => stderr.WriteLine("warning: " + message)));

            List<string> lowers;
            IReadOnlyList<string> command;
            ExecRequest request;
            if (dir is not null)
            {
                if (!Directory.Exists(dir))
                    throw new BuildException(ErrorCode.NotFound, $"--rootfs {dir}: no such directory");
                lowers = [Path.GetFullPath(dir)];
                command = words;
                request = new ExecRequest { RootfsPath = "", Command = [] };
            }
            else
            {
                if (words.Length == 0)
                    throw new BuildException(ErrorCode.InvalidArgument, "builder run: an IMAGE is required");
                var store = CliApp.OpenStore(parseResult);
                var image = await store.Images.OpenAsync(words[0], null, ct).ConfigureAwait(false);
                lowers = [];
                foreach (var layer in image.Layers)
                    lowers.Add(await snapshots.EnsureLayerFromArchiveAsync(layer.DiffId, layer.OpenCompressedAsync, ct).ConfigureAwait(false));
                var config = image.Config.Config;
                command = [.. config?.Entrypoint ?? [], .. words.Length > 1 ? words[1..] : config?.Cmd ?? []];
                request = new ExecRequest
                {
                    RootfsPath = "",
                    Command = [],
                    Env = [.. config?.Env ?? []],
                    User = config?.User ?? "",
                    WorkingDirectory = config?.WorkingDir ?? "",
                };
            }
            if (command.Count == 0)
                throw new BuildException(ErrorCode.InvalidArgument, "builder run: no command given and the image has no Entrypoint or Cmd");
            request = request with
            {
                Command = [.. command],
                Env = request.Env.AddRange(parseResult.GetValue(env) ?? []),
                User = parseResult.GetValue(user) ?? request.User,
                WorkingDirectory = parseResult.GetValue(workdir) ?? request.WorkingDirectory,
                Network = parseResult.GetValue(network) switch
                {
                    "host" => NetworkMode.Host,
                    "none" => NetworkMode.None,
                    var other => throw new BuildException(ErrorCode.InvalidArgument, $"--network {other}: expected none or host"),
                },
                Limits = new ResourceLimits(MemoryBytes: ParseBytes(parseResult.GetValue(memory)), Pids: parseResult.GetValue(pids)),
            };

            var executor = Executors.Create(parseResult.GetValue(runtime), Path.Combine(root.Path, "exec"));
            var output = new ConsoleExecOutput(stdout, stderr);
            var times = parseResult.GetValue(repeat);
            var cpuBefore = CpuMilliseconds();
            var clock = Stopwatch.StartNew();
            ExecResult? last = null;
            for (var i = 0; i < Math.Max(1, times); i++)
            {
                await using var snapshot = await snapshots.PrepareStepRootfsAsync(lowers, ct).ConfigureAwait(false);
                var users = await UserDatabase.LoadAsync(snapshot.HostPath, ct).ConfigureAwait(false);
                var spec = ExecSpecFactory.Create(request with { RootfsPath = snapshot.Path, Overlay = snapshot.PendingOverlay }, users);
                last = await executor.RunAsync(spec, output, ct).ConfigureAwait(false);
                snapshot.Unmount();
                if (parseResult.GetValue(commit) is { } layerFile)
                {
                    var file = File.Create(layerFile);
                    await using (file.ConfigureAwait(false))
                        await snapshot.CommitAsync(file, null, ct).ConfigureAwait(false);
                }
            }
            clock.Stop();
            var cpu = CpuMilliseconds() - cpuBefore;
            output.Flush();
            if (times > 1)
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{times} runs, {clock.Elapsed.TotalMilliseconds / times:0.00} ms per run, {cpu / times:0.0} ms CPU per run")).ConfigureAwait(false);
            if (!last!.Succeeded && (last.OomKilled || last.Signal is not null || last.TimedOut))
                await stderr.WriteLineAsync("builder run: " + last.Describe()).ConfigureAwait(false);
            return last.ExitCode;
        });
        return cmd;
    }

    /// <summary>
    /// CPU time of this process and of its waited-for descendants (the sandbox helpers and the commands),
    /// from /proc/self/stat (utime, stime, cutime, cstime in clock ticks of 10 ms), for the benchmarks.
    /// </summary>
    private static double CpuMilliseconds()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture)) * 10.0;
    }

    /// <summary>docker's size syntax: a number with an optional b, k, m or g suffix (powers of 1024).</summary>
    internal static long? ParseBytes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var t = text.Trim().ToLowerInvariant();
        long unit = t[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, 'b' => 1, _ => 1 };
        var number = char.IsDigit(t[^1]) ? t : t[..^1];
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            throw new BuildException(ErrorCode.InvalidArgument, $"--memory {text}: expected a size such as 512m or 1g");
        return n * unit;
    }

    /// <summary>Streams a step's output to the console writers, decoding UTF-8 across chunk boundaries.</summary>
    private sealed class ConsoleExecOutput(TextWriter stdout, TextWriter stderr) : IExecOutput
    {
        private readonly Decoder _out = Encoding.UTF8.GetDecoder();
        private readonly Decoder _err = Encoding.UTF8.GetDecoder();

        public void Write(ExecStream stream, ReadOnlySpan<byte> data)
        {
            var (decoder, writer) = stream == ExecStream.Stdout ? (_out, stdout) : (_err, stderr);
            var chars = new char[Encoding.UTF8.GetMaxCharCount(data.Length)];
            var n = decoder.GetChars(data, chars, flush: false);
            writer.Write(chars, 0, n);
            writer.Flush();
        }

        public void Flush()
        {
            stdout.Flush();
            stderr.Flush();
        }
    }
}
