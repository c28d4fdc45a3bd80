using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Build.Engine.Frontend;
using Build.Engine.Graph;

namespace Build.Cli.Graph;

/// <summary>Renders a <see cref="BuildGraph"/> for <c>builder parse --graph</c>: readable text or JSON.</summary>
internal static class GraphPrinter
{
    // Dockerfile commands are full of & < > ' which the default encoder escapes as \u0026...; the output is not
    // embedded in HTML, so keep it readable.
    private static readonly GraphJsonContext Context = new(new System.Text.Json.JsonSerializerOptions(GraphJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Text(BuildGraph graph)
    {
        var b = new StringBuilder();
        var target = graph.Target;
        b.Append(CultureInfo.InvariantCulture, $"target: {target.DisplayName} (stage {target.Index}), platform {graph.TargetPlatform}, build platform {graph.BuildPlatform}\n");
        foreach (var stage in graph.Stages)
        {
            var deps = stage.StageDependencies.ToList();
            b.Append(CultureInfo.InvariantCulture, $"\nstage {stage.Index} {stage.DisplayName}: {BaseText(graph, stage)} [{stage.Platform}] at {stage.Location}");
            if (deps.Count > 0) b.Append(" needs stages ").Append(string.Join(", ", deps));
            b.Append('\n');
            foreach (var v in stage.Steps)
            {
                var after = graph.DependenciesOf(v).ToList();
                b.Append(CultureInfo.InvariantCulture, $"  {v.Id,-6} {Kind(v.Op),-10} {v.Description}");
                b.Append(CultureInfo.InvariantCulture, $"  @{v.Location.Line}:{v.Location.Column}");
                if (after.Count > 0) b.Append("  after ").Append(string.Join(", ", after));
                b.Append('\n');
                var detail = Detail(v.Op);
                if (detail.Length > 0) b.Append("         ").Append(detail).Append('\n');
            }
        }
        return b.ToString();
    }

    private static string BaseText(BuildGraph graph, Stage stage) => stage.Base.Kind switch
    {
        SourceKind.Stage => "FROM stage " + stage.Base.StageIndex + " (" + (graph.TryGetStage(stage.Base.StageIndex)?.DisplayName ?? "?") + ")",
        SourceKind.Image => "FROM " + stage.Base.ImageReference,
        _ => "FROM scratch",
    };

    private static string Kind(Op op) => op switch
    {
        ExecOp => "exec",
        CopyOp { IsAdd: true } => "add",
        CopyOp => "copy",
        WorkdirOp => "workdir",
        _ => op.GetType().Name.Replace("Op", "", StringComparison.Ordinal).ToLowerInvariant(),
    };

    private static string Source(SourceRef s) => s.Kind switch
    {
        SourceKind.Stage => "stage:" + s.StageIndex.ToString(CultureInfo.InvariantCulture),
        SourceKind.Image => "image:" + s.ImageReference,
        SourceKind.Context => "context",
        _ => "scratch",
    };

    private static string Detail(Op op) => op switch
    {
        ExecOp e => "argv " + JsonList(e.Args) + " user=" + Quote(e.User) + " cwd=" + e.WorkingDir
            + (e.Network != NetworkMode.Default ? " network=" + e.Network.ToString().ToLowerInvariant() : "")
            + (e.Security != SecurityMode.Sandbox ? " security=insecure" : "")
            + string.Concat(e.Mounts.Select(m => " mount(" + MountText(m) + ")")),
        CopyOp c => "from " + Source(c.From) + " " + string.Join(" ", c.Sources.Concat(c.Urls).Concat(c.GitSources).Concat(c.InlineFiles.Select(f => "<<" + f.Name)))
            + " -> " + c.Destination
            + (c.Chown is null ? "" : " chown=" + c.Chown) + (c.Chmod is null ? "" : " chmod=" + c.Chmod)
            + (c.Link ? " link" : "") + (c.Parents ? " parents" : "")
            + string.Concat(c.Excludes.Select(x => " exclude=" + x)),
        _ => "",
    };

    private static string MountText(Mount m) => m switch
    {
        BindMount b => $"bind {Source(b.From)}:{b.SourcePath} -> {b.Target}{(b.ReadWrite ? " rw" : "")}",
        CacheMount c => $"cache id={c.Id} -> {c.Target} sharing={c.Sharing.ToString().ToLowerInvariant()}",
        TmpfsMount t => $"tmpfs -> {t.Target}" + (t.SizeBytes > 0 ? " size=" + t.SizeBytes.ToString(CultureInfo.InvariantCulture) : ""),
        SecretMount s => $"secret id={s.Id}" + (s.FileTarget is null ? "" : " -> " + s.FileTarget) + (s.Env is null ? "" : " env=" + s.Env),
        SshMount s => $"ssh id={s.Id} -> {s.Target}",
        InlineFileMount f => $"inline {string.Join(",", f.Files.Select(x => x.Name))} -> {f.Target}",
        _ => m.Target,
    };

    private static string Quote(string s) => "\"" + s + "\"";

    private static string JsonList(IEnumerable<string> items) =>
        "[" + string.Join(", ", items.Select(i => "\"" + i.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"")) + "]";

    public static string Json(BuildGraph? graph, IEnumerable<FrontendDiagnostic> diagnostics)
    {
        var diags = diagnostics.Select(d => new DiagnosticDocument(d.IsError ? "error" : "warning", d.Code, d.Message, d.Location?.ToString())).ToList();
        if (graph is null)
        {
            var empty = new GraphDocument("", -1, "", "", new Dictionary<string, string>(), [], diags);
            return JsonSerializer.Serialize(empty, Context.GraphDocument) + "\n";
        }
        var doc = new GraphDocument(
            graph.Target.DisplayName,
            graph.TargetIndex,
            graph.BuildPlatform,
            graph.TargetPlatform,
            graph.BuildArgs.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            graph.Stages.Select(s => StageDoc(graph, s)).ToList(),
            diags);
        return JsonSerializer.Serialize(doc, Context.GraphDocument) + "\n";
    }

    private static StageDocument StageDoc(BuildGraph graph, Stage s)
    {
        var c = s.FinalConfig;
        var config = new ConfigDocument(
            c.User,
            c.Env.Select(e => e.ToString()).ToList(),
            c.Entrypoint?.ToList(),
            c.Cmd?.ToList(),
            c.WorkingDir,
            c.Labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            c.ExposedPorts.ToList(),
            c.Volumes.ToList(),
            c.StopSignal,
            c.Shell?.ToList(),
            c.Healthcheck?.Test.ToList(),
            c.OnBuild.ToList());
        return new StageDocument(
            s.Index,
            s.Name,
            s.Base.Kind.ToString().ToLowerInvariant(),
            s.Base.ImageReference,
            s.Base.Kind == SourceKind.Stage ? s.Base.StageIndex : null,
            s.Platform,
            s.Location.ToString(),
            s.BaseDescription,
            s.StageDependencies.ToList(),
            s.Steps.Select(v => new VertexDocument(
                v.Id,
                Kind(v.Op),
                v.Description,
                v.Location.ToString(),
                graph.DependenciesOf(v).ToList(),
                v.FromOnBuild,
                v.Op.ChangesFilesystem,
                v.History?.CreatedBy,
                OpDoc(v.Op))).ToList(),
            config);
    }

    private static OpDocument OpDoc(Op op) => op switch
    {
        ExecOp e => new OpDocument
        {
            Args = e.Args.ToList(),
            Env = e.Env.Select(x => x.ToString()).ToList(),
            ProxyEnv = e.ProxyEnv.Count == 0 ? null : e.ProxyEnv.Select(x => x.ToString()).ToList(),
            User = e.User,
            WorkingDir = e.WorkingDir,
            Network = e.Network.ToString().ToLowerInvariant(),
            Security = e.Security.ToString().ToLowerInvariant(),
            Mounts = e.Mounts.Count == 0 ? null : e.Mounts.Select(MountText).ToList(),
        },
        CopyOp c => new OpDocument
        {
            From = Source(c.From),
            Sources = c.Sources.ToList(),
            Urls = c.Urls.Count == 0 ? null : c.Urls.ToList(),
            GitSources = c.GitSources.Count == 0 ? null : c.GitSources.ToList(),
            InlineFiles = c.InlineFiles.Count == 0 ? null : c.InlineFiles.Select(f => f.Name).ToList(),
            Destination = c.Destination,
            Chown = c.Chown,
            Chmod = c.Chmod,
            Link = c.Link,
            Parents = c.Parents,
            Excludes = c.Excludes.Count == 0 ? null : c.Excludes.ToList(),
            UnpackArchives = c.UnpackArchives,
            UnpackUrls = c.UnpackUrls,
            Checksum = c.Checksum,
            KeepGitDir = c.KeepGitDir,
        },
        WorkdirOp w => new OpDocument { Path = w.Path, User = w.User },
        EnvOp e => new OpDocument { Values = e.Variables.Select(x => x.ToString()).ToList() },
        LabelOp l => new OpDocument { Values = l.Labels.Select(x => x.ToString()).ToList() },
        ArgOp a => new OpDocument { Values = a.Arguments.Select(x => x.Value is null ? x.Name : x.Name + "=" + x.Value).ToList() },
        ExposeOp x => new OpDocument { Values = x.Ports.ToList() },
        VolumeOp v => new OpDocument { Values = v.Paths.ToList() },
        UserOp u => new OpDocument { User = u.User },
        CmdOp c => new OpDocument { Args = c.Command.ToList() },
        EntrypointOp e => new OpDocument { Args = e.Entrypoint.ToList(), ResetCmd = e.ResetCmd },
        ShellOp s => new OpDocument { Args = s.Shell.ToList() },
        StopSignalOp s => new OpDocument { Values = [s.Signal] },
        HealthcheckOp h => new OpDocument { Args = h.Healthcheck.Test.ToList() },
        OnBuildOp o => new OpDocument { Values = [o.Trigger] },
        MaintainerOp m => new OpDocument { Values = [m.Author] },
        _ => new OpDocument(),
    };
}
