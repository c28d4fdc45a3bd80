using Build.Engine.Graph;
using static Build.Engine.Tests.Frontend.FrontendTestHelpers;

namespace Build.Engine.Tests.Frontend;

public class InstructionSemanticsTests
{
    [Fact]
    public void Env_values_see_the_environment_before_the_instruction()
    {
        var graph = GraphOf(TestCase("env-expansion"));
        var config = graph.Target.FinalConfig;
        Assert.Equal("/opt/app/bin", config.GetEnv("BIN"));
        Assert.Equal("/opt/app/lib", config.GetEnv("LIB"));
        Assert.Equal("bye", config.GetEnv("abc"));
        Assert.Equal("hello", config.GetEnv("def"));
        Assert.Equal("/opt/app/bin:" + ImageConfigState.DefaultPath, config.GetEnv("PATH"));
        Assert.Equal("/opt/app/src", config.WorkingDir);
        var copies = graph.Target.Ops<CopyOp>().ToList();
        Assert.Equal("/opt/app/src/", copies[0].Destination);
        Assert.Equal("/opt/app/lib/", copies[1].Destination);
        Assert.Equal(["/app.txt"], copies[0].Sources);
        var run = graph.Target.Op<ExecOp>();
        Assert.Equal("/opt/app/src", run.WorkingDir);
        // ENV of an existing name moves it to the end, as BuildKit's LLB env list does.
        Assert.Equal(["APP", "BIN", "LIB", "abc", "def", "PATH"], run.Env.Select(e => e.Key));
        Assert.Equal(["ENV APP=/opt/app", "ENV BIN=/opt/app/bin LIB=/opt/app/lib", "ENV abc=hello", "ENV abc=bye def=hello"],
            graph.Target.Steps.Where(s => s.Op is EnvOp).Take(4).Select(s => s.History!.CreatedBy));
    }

    [Fact]
    public void Workdir_creates_directories_except_root()
    {
        var graph = GraphOf("FROM scratch\nUSER app\nWORKDIR /a\nWORKDIR b/../c\nWORKDIR /");
        var workdirs = graph.Target.Steps.Where(s => s.Op is WorkdirOp).ToList();
        Assert.Equal(new WorkdirOp("/a", "app", true), workdirs[0].Op);
        Assert.Equal(new WorkdirOp("/a/c", "app", true), workdirs[1].Op);
        Assert.Equal(new WorkdirOp("/", "app", false), workdirs[2].Op);
        Assert.Equal(new StepHistory("WORKDIR /a/c", false), workdirs[1].History);
        Assert.Equal(new StepHistory("WORKDIR /", true), workdirs[2].History);
        Assert.True(workdirs[0].Op.ChangesFilesystem);
        Assert.False(workdirs[2].Op.ChangesFilesystem);
    }

    [Fact]
    public void Shell_changes_later_shell_forms_only()
    {
        var graph = GraphOf(TestCase("entrypoint-cmd"), new() { Target = "shell" });
        var stage = graph.Target;
        Assert.Equal(["/bin/sh", "-ec", "echo using a custom shell"], stage.Op<ExecOp>().Args);
        var config = stage.FinalConfig;
        Assert.Equal(["/bin/sh", "-ec", "echo shell form"], config.Entrypoint);
        Assert.Equal(["/bin/sh", "-ec", "echo ignored by shell-form entrypoint"], config.Cmd);
        Assert.Equal(["/bin/sh", "-ec"], config.Shell);
        Assert.Equal("SHELL [/bin/sh -ec]", stage.Steps[0].History!.CreatedBy);
    }

    [Fact]
    public void Entrypoint_clears_an_inherited_cmd_unless_this_stage_set_one()
    {
        var df = TestCase("entrypoint-cmd");
        var reset = GraphOf(df, new() { Target = "reset" }).Target.FinalConfig;
        Assert.Null(reset.Cmd);
        Assert.Equal(["/bin/echo"], reset.Entrypoint);
        var keep = GraphOf(df, new() { Target = "keep" }).Target.FinalConfig;
        Assert.Equal(["kept"], keep.Cmd);
        var base_ = GraphOf(df, new() { Target = "base" }).Target;
        Assert.Equal(["echo", "base cmd"], base_.FinalConfig.Cmd);
        Assert.True(base_.FinalConfig.ArgsEscaped);
        Assert.Equal("CMD [\"echo\" \"base cmd\"]", base_.Steps[0].History!.CreatedBy);
    }

    [Fact]
    public void Metadata_instructions_fill_the_config_and_history()
    {
        var stage = GraphOf(TestCase("metadata")).Target;
        var config = stage.FinalConfig;
        Assert.Equal(["org.opencontainers.image.title=metadata test", "version=2"], config.Labels.Select(l => l.ToString()));
        Assert.Equal("Jane Doe <jane@example.com>", config.Author);
        Assert.Equal(["443/tcp", "53/udp", "80/tcp", "8000/tcp", "8001/tcp", "8002/tcp"], config.ExposedPorts);
        Assert.Equal(["/data", "/logs"], config.Volumes);
        Assert.Equal("app:app", config.User);
        Assert.Equal("/home/app/sub", config.WorkingDir);
        Assert.Equal("SIGINT", config.StopSignal);
        Assert.Equal(["sh"], config.Cmd);
        var hc = config.Healthcheck!;
        Assert.Equal(["CMD-SHELL", "wget -q -O- http://localhost/ || exit 1"], hc.Test);
        Assert.Equal(30_000_000_000L, hc.IntervalNanoseconds);
        Assert.Equal(3_000_000_000L, hc.TimeoutNanoseconds);
        Assert.Equal(5_000_000_000L, hc.StartPeriodNanoseconds);
        Assert.Equal(0L, hc.StartIntervalNanoseconds);
        Assert.Equal(4, hc.Retries);
        Assert.Equal(
            [
                "LABEL org.opencontainers.image.title=metadata test version=1",
                "LABEL version=2",
                "MAINTAINER Jane Doe <jane@example.com>",
                "EXPOSE [80/tcp 443/tcp 53/udp 8000/tcp 8001/tcp 8002/tcp]",
                "VOLUME [/data /logs]",
                "USER app:app",
                "WORKDIR /home/app",
                "WORKDIR /home/app/sub",
                "STOPSIGNAL SIGINT",
                "HEALTHCHECK {Test:[CMD-SHELL wget -q -O- http://localhost/ || exit 1] Interval:30s Timeout:3s StartPeriod:5s StartInterval:0s Retries:4}",
                "CMD [\"sh\"]",
            ],
            stage.Steps.Select(s => s.History!.CreatedBy));
        Assert.All(stage.Steps.Where(s => s.Op is not WorkdirOp), s => Assert.True(s.History!.EmptyLayer));
    }

    [Fact]
    public void Healthcheck_none_and_exec_form()
    {
        var none = GraphOf("FROM scratch\nHEALTHCHECK NONE").Target.FinalConfig.Healthcheck!;
        Assert.Equal(["NONE"], none.Test);
        var exec = GraphOf("FROM scratch\nHEALTHCHECK --interval=1m30s CMD [\"/bin/check\", \"-q\"]").Target.FinalConfig.Healthcheck!;
        Assert.Equal(["CMD", "/bin/check", "-q"], exec.Test);
        Assert.Equal(90_000_000_000L, exec.IntervalNanoseconds);
    }

    [Fact]
    public void Heredocs_become_scripts_inline_files_and_copy_sources()
    {
        var stage = GraphOf(TestCase("heredocs")).Target;
        var runs = stage.Ops<ExecOp>().ToList();
        Assert.Equal(["/bin/sh", "-c", "echo \"$GREETING from a heredoc\" > /heredoc.txt\necho second line >> /heredoc.txt\n"], runs[0].Args);
        Assert.Equal(["/bin/sh", "-c", "/dev/pipes/EOF"], runs[1].Args);
        var pipe = Assert.IsType<InlineFileMount>(Assert.Single(runs[1].Mounts));
        Assert.Equal("/dev/pipes/", pipe.Target);
        Assert.Equal(new InlineFile("EOF", "#!/bin/sh\necho \"script with shebang\" > /script.txt\n", 0x1ED), pipe.Files.Single());
        Assert.Equal(["/bin/sh", "-c", "cat > /a.txt && <<B cat > /b.txt\nfirst\nA\nsecond\nB".Insert(0, "<<A ")], runs[2].Args);

        var copies = stage.Ops<CopyOp>().ToList();
        Assert.Equal(new InlineFile("EOF", "greeting=hello\n", 0x1A4), copies[0].InlineFiles.Single());
        Assert.Equal("greeting=${GREETING}\n", copies[1].InlineFiles.Single().Content);
        Assert.Equal("/etc/greeting.conf", copies[0].Destination);
        var copyStep = stage.Steps.First(s => s.Op is CopyOp);
        Assert.Equal("COPY <<EOF /etc/greeting.conf # buildkit", copyStep.History!.CreatedBy);
        var runStep = stage.Steps.First(s => s.Op is ExecOp);
        Assert.EndsWith("(echo \"$GREETING from a heredoc\" > /heredoc.txt...)", runStep.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_mounts_are_typed_and_resolved()
    {
        var graph = GraphOf(TestCase("mounts"));
        var runs = graph.Target.Ops<ExecOp>().ToList();
        var cache = Assert.IsType<CacheMount>(runs[0].Mounts.Single());
        Assert.Equal(new CacheMount("/var/cache/app", "appcache", CacheSharing.Locked, false, SourceRef.Scratch, "/", 0x1ED, 0, 0), cache);
        var bind = Assert.IsType<BindMount>(runs[1].Mounts.Single());
        Assert.Equal(new BindMount("/work/assets", SourceRef.Stage(0), "/assets", false), bind);
        Assert.Equal(new TmpfsMount("/scratch", 16L << 20), runs[2].Mounts.Single());
        Assert.Equal(new SecretMount("/run/secrets/token", "token", null, false, 0x100, 0, 0), runs[3].Mounts.Single());
        Assert.Equal(new SecretMount(null, "apikey", "API_KEY", false, 0x100, 0, 0), runs[4].Mounts.Single());
        Assert.Equal(new SshMount("/run/buildkit/ssh_agent.0", "default", false, 0x180, 0, 0), runs[5].Mounts.Single());
        Assert.Equal(NetworkMode.None, runs[6].Network);
        Assert.Equal(NetworkMode.Default, runs[0].Network);
        Assert.Equal([0], graph.Target.StageDependencies);
    }

    [Fact]
    public void Mount_options_expand_variables_except_from()
    {
        var run = GraphOf("FROM scratch\nARG ID=c1\nARG U=1000\nRUN --mount=type=cache,target=/c/$ID,id=$ID,uid=$U,mode=0700 x").Target.Op<ExecOp>();
        Assert.Equal(new CacheMount("/c/c1", "c1", CacheSharing.Shared, false, SourceRef.Scratch, "/", 0x1C0, 1000, 0), run.Mounts.Single());
    }

    [Fact]
    public void Copy_and_add_flags_are_carried()
    {
        var stage = GraphOf(TestCase("copy-add-flags")).Target;
        var ops = stage.Ops<CopyOp>().ToList();
        Assert.Equal("app:app", ops[0].Chown);
        Assert.Equal("640", ops[0].Chmod);
        Assert.Equal(["/files"], ops[0].Sources);
        Assert.Equal("/srv/files/", ops[0].Destination);
        Assert.True(ops[1].Link);
        Assert.Equal(["*.tmp"], ops[2].Excludes);
        Assert.True(ops[3].Parents);
        Assert.Equal(["/files/./sub/b.txt"], ops[3].Sources);
        Assert.True(ops[4].IsAdd);
        Assert.True(ops[4].UnpackArchives);
        Assert.False(ops[5].UnpackArchives);
        Assert.Equal(["https://example.com/empty.txt"], ops[6].Urls);
        Assert.Empty(ops[6].Sources);
        Assert.False(ops[6].UnpackUrls);
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ops[6].Checksum);
        Assert.Equal("COPY --chown=app:app --chmod=640 files/ /srv/files/ # buildkit", stage.Steps[0].History!.CreatedBy);
        Assert.Equal("COPY --parents ./files/./sub/b.txt /parents/ # buildkit", stage.Steps[3].History!.CreatedBy);
    }

    [Fact]
    public void Copy_flags_expand_variables()
    {
        var op = GraphOf("FROM scratch\nARG OWNER=app MODE=755 DIR=/opt\nCOPY --chown=$OWNER --chmod=$MODE src $DIR/").Target.Op<CopyOp>();
        Assert.Equal("app", op.Chown);
        Assert.Equal("755", op.Chmod);
        Assert.Equal("/opt/", op.Destination);
    }

    [Fact]
    public void Run_history_and_exec_fields()
    {
        var stage = GraphOf("FROM scratch\nUSER 1000\nRUN --network=host --security=insecure [\"make\", \"all\"]").Target;
        var step = stage.Steps.Single(s => s.Op is ExecOp);
        var run = (ExecOp)step.Op;
        Assert.Equal(["make", "all"], run.Args);
        Assert.Equal("1000", run.User);
        Assert.Equal(NetworkMode.Host, run.Network);
        Assert.Equal(SecurityMode.Insecure, run.Security);
        Assert.Equal(new StepHistory("RUN make all # buildkit", false), step.History);
    }

    [Fact]
    public void Onbuild_records_triggers_without_history()
    {
        var step = GraphOf("FROM scratch\nONBUILD RUN echo hi").Target.Steps.Single();
        Assert.Equal(new OnBuildOp("RUN echo hi"), step.Op);
        Assert.Null(step.History);
    }
}
