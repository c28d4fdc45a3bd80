using Build.Parser.Syntax;
using static Build.Parser.Tests.Parsing.ParseHelpers;

namespace Build.Parser.Tests.Parsing;

public class TypedInstructionTests
{
    [Fact]
    public void From_with_platform_and_stage_name()
    {
        var from = Assert.IsType<FromInstruction>(Ok("FROM --platform=$BUILDPLATFORM golang:1.22 As Build").Dockerfile.Instructions[0]);
        Assert.Equal("golang:1.22", from.Image);
        Assert.Equal("$BUILDPLATFORM", from.Platform);
        Assert.Equal("build", from.StageName);
        var plain = Assert.IsType<FromInstruction>(Ok("from scratch").Dockerfile.Instructions[0]);
        Assert.Null(plain.StageName);
        Assert.Null(plain.Platform);
    }

    [Theory]
    [InlineData("FROM a AS 1x", "invalid-stage-name")]
    [InlineData("FROM a AS b c", "invalid-arguments")]
    [InlineData("FROM a b", "invalid-arguments")]
    [InlineData("FROM", "missing-arguments")]
    [InlineData("FROM --platform linux/amd64 a", "flag-value-missing")]
    public void From_errors(string line, string code) => Assert.Equal(code, Error(line).Code);

    [Fact]
    public void Run_shell_and_exec_forms_with_network_and_security()
    {
        var shell = Single<RunInstruction>("RUN --network=none --security=insecure echo $HOME && ls");
        Assert.True(shell.Command.IsShellForm);
        Assert.Equal("echo $HOME && ls", shell.Command.ShellText);
        Assert.Equal(NetworkMode.None, shell.Network);
        Assert.Equal(SecurityMode.Insecure, shell.Security);
        Assert.Equal(["/bin/sh", "-c", "echo $HOME && ls"], shell.Command.ToArgv(["/bin/sh", "-c"]));

        var exec = Single<RunInstruction>("RUN [\"/bin/echo\", \"a b\"]");
        Assert.True(exec.Command.IsExecForm);
        Assert.Equal(["/bin/echo", "a b"], exec.Command.Arguments);
        Assert.Null(exec.Network);
        Assert.Equal(["/bin/echo", "a b"], exec.Command.ToArgv(["/bin/sh", "-c"]));

        Assert.Equal(NetworkMode.Host, Single<RunInstruction>("RUN --network=host x").Network);
        Assert.Equal(NetworkMode.Default, Single<RunInstruction>("RUN --network=default x").Network);
        Assert.Equal(SecurityMode.Sandbox, Single<RunInstruction>("RUN --security=sandbox x").Security);
    }

    [Fact]
    public void Run_with_invalid_json_falls_back_to_shell_form()
    {
        var run = Single<RunInstruction>("RUN ['echo', 'x']");
        Assert.True(run.Command.IsShellForm);
        Assert.Equal("['echo', 'x']", run.Command.ShellText);
    }

    [Theory]
    [InlineData("RUN --network=bridge x", "invalid-flag-value")]
    [InlineData("RUN --security=root x", "invalid-flag-value")]
    [InlineData("RUN", "missing-arguments")]
    [InlineData("RUN --network=none --network=host x", "duplicate-flag")]
    [InlineData("RUN --mount=type=nfs,target=/x x", "invalid-mount-option")]
    public void Run_errors(string line, string code) => Assert.Equal(code, Error("FROM a\n" + line).Code);

    [Fact]
    public void Cmd_and_entrypoint()
    {
        Assert.Equal(CommandLine.Exec("a", "b"), Single<CmdInstruction>("CMD [\"a\", \"b\"]").Command);
        Assert.Equal(CommandLine.Shell("run it"), Single<CmdInstruction>("CMD run it").Command);
        var reset = Single<EntrypointInstruction>("ENTRYPOINT []");
        Assert.True(reset.Command.IsExecForm);
        Assert.Empty(reset.Command.Arguments);
        Assert.Equal(CommandLine.Shell("/entry.sh"), Single<EntrypointInstruction>("ENTRYPOINT /entry.sh").Command);
    }

    [Fact]
    public void Label_and_env_new_and_legacy_forms_keep_raw_values()
    {
        var label = Single<LabelInstruction>("LABEL \"com.example\"=\"ACME Inc\" version=1.0");
        Assert.False(label.IsLegacyForm);
        Assert.Equal([("\"com.example\"", "\"ACME Inc\""), ("version", "1.0")], label.Labels.Select(l => (l.Key, l.Value)));

        var legacyLabel = Single<LabelInstruction>("LABEL description some long text");
        Assert.True(legacyLabel.IsLegacyForm);
        Assert.Equal(("description", "some long text"), (legacyLabel.Labels[0].Key, legacyLabel.Labels[0].Value));

        var env = Single<EnvInstruction>("ENV A=1 B=\"two words\" C=$A\\ x");
        Assert.Equal([("A", "1"), ("B", "\"two words\""), ("C", "$A\\ x")], env.Variables.Select(v => (v.Key, v.Value)));

        var legacy = Single<EnvInstruction>("ENV PATH /usr/bin:$PATH");
        Assert.True(legacy.IsLegacyForm);
        Assert.Equal("/usr/bin:$PATH", legacy.Variables[0].Value);
    }

    [Theory]
    [InlineData("ENV PATH", "missing-arguments")]
    [InlineData("ENV A=1 B", "invalid-arguments")]
    [InlineData("ENV =x", "invalid-arguments")]
    [InlineData("LABEL", "missing-arguments")]
    [InlineData("ENV --x=1 A=b", "unknown-flag")]
    public void Env_and_label_errors(string line, string code) => Assert.Equal(code, Error("FROM a\n" + line).Code);

    [Fact]
    public void Expose_volume_user_workdir_stopsignal_maintainer_shell()
    {
        Assert.Equal(["80/tcp", "$PORT", "53/udp"], Single<ExposeInstruction>("EXPOSE 80/tcp $PORT 53/udp").Ports);
        Assert.Equal(["/a", "/b"], Single<VolumeInstruction>("VOLUME /a /b").Volumes);
        Assert.Equal(["/a b"], Single<VolumeInstruction>("VOLUME [\"/a b\"]").Volumes);
        Assert.Equal("app:app", Single<UserInstruction>("USER app:app").User);
        Assert.Equal("/src dir", Single<WorkdirInstruction>("WORKDIR /src dir").Path);
        Assert.Equal("SIGQUIT", Single<StopSignalInstruction>("STOPSIGNAL SIGQUIT").Signal);
        Assert.Equal(["/bin/bash", "-eu", "-c"], Single<ShellInstruction>("SHELL [\"/bin/bash\", \"-eu\", \"-c\"]").Shell);
        var result = Ok("FROM a\nMAINTAINER Jane <j@x>");
        Assert.Equal("Jane <j@x>", Assert.IsType<MaintainerInstruction>(result.Dockerfile.Instructions[1]).Maintainer);
        Assert.Equal("maintainer-deprecated", Assert.Single(result.Diagnostics).Code);
    }

    [Theory]
    [InlineData("EXPOSE", "missing-arguments")]
    [InlineData("VOLUME [\"\"]", "invalid-arguments")]
    [InlineData("USER", "missing-arguments")]
    [InlineData("WORKDIR", "missing-arguments")]
    [InlineData("STOPSIGNAL", "missing-arguments")]
    [InlineData("SHELL /bin/bash -c", "json-form-required")]
    [InlineData("SHELL []", "missing-arguments")]
    [InlineData("SHELL [\"a\", null]", "json-non-string")]
    [InlineData("USER --chown=x a", "unknown-flag")]
    public void Simple_instruction_errors(string line, string code) => Assert.Equal(code, Error("FROM a\n" + line).Code);

    [Fact]
    public void Arg_declarations_with_and_without_defaults()
    {
        var arg = Single<ArgInstruction>("ARG A B=2 C=\"x y\" D=");
        Assert.Equal([("A", null), ("B", "2"), ("C", "\"x y\""), ("D", "")], arg.Args.Select(a => (a.Name, a.DefaultValue)));
        Assert.False(arg.Args[0].HasDefault);
        Assert.True(arg.Args[3].HasDefault);
        Assert.Equal("missing-arguments", Error("ARG").Code);
        Assert.Equal("invalid-arguments", Error("ARG =x").Code);
    }

    [Fact]
    public void Copy_with_every_flag()
    {
        var copy = Single<CopyInstruction>(
            "COPY --from=build --chown=$USER:grp --chmod=0755 --link --parents --exclude=*.md --exclude=tmp/ a b /dst/");
        Assert.Equal(["a", "b"], copy.Sources);
        Assert.Equal("/dst/", copy.Destination);
        Assert.Equal("build", copy.From);
        Assert.Equal("$USER:grp", copy.Chown);
        Assert.Equal("0755", copy.Chmod);
        Assert.True(copy.Link);
        Assert.True(copy.Parents);
        Assert.Equal(["*.md", "tmp/"], copy.Excludes);

        var plain = Single<CopyInstruction>("COPY --link=false [\"a b\", \"/c d/\"]");
        Assert.False(plain.Link);
        Assert.Equal(["a b"], plain.Sources);
        Assert.Equal("/c d/", plain.Destination);
        Assert.True(plain.Syntax.IsJsonForm);
        Assert.Null(plain.From);
        Assert.Equal("u=rwX,go=rX", Single<CopyInstruction>("COPY --chmod=u=rwX,go=rX a /b").Chmod);
    }

    [Fact]
    public void Add_with_every_flag()
    {
        var add = Single<AddInstruction>(
            "ADD --chown=1:2 --chmod=644 --link=true --keep-git-dir --checksum=sha256:abcdef0123 --unpack=false --exclude=x https://e.x/a.tgz /opt/");
        Assert.Equal(["https://e.x/a.tgz"], add.Sources);
        Assert.Equal("/opt/", add.Destination);
        Assert.Equal("1:2", add.Chown);
        Assert.Equal("644", add.Chmod);
        Assert.True(add.Link);
        Assert.True(add.KeepGitDir);
        Assert.Equal("sha256:abcdef0123", add.Checksum);
        Assert.False(add.Unpack);
        Assert.Equal(["x"], add.Excludes);
        Assert.Null(Single<AddInstruction>("ADD a /b").Unpack);
    }

    [Theory]
    [InlineData("COPY a", "missing-arguments")]
    [InlineData("COPY --from=a --from=b x /y", "duplicate-flag")]
    [InlineData("COPY --link= a /b", "flag-value-missing")]
    [InlineData("COPY --link=yes a /b", "invalid-flag-value")]
    [InlineData("COPY --from a /b", "flag-value-missing")]
    [InlineData("COPY --chmod=999 a /b", "invalid-flag-value")]
    [InlineData("COPY --checksum=sha256:00 a /b", "unknown-flag")]
    [InlineData("ADD --from=x a /b", "unknown-flag")]
    [InlineData("ADD --checksum=nothex! a /b", "invalid-flag-value")]
    [InlineData("COPY a <<EOF\nx\nEOF", "invalid-heredoc")]
    public void Copy_and_add_errors(string line, string code) => Assert.Equal(code, Error("FROM a\n" + line).Code);

    [Fact]
    public void Onbuild_wraps_a_typed_trigger()
    {
        var onbuild = Single<OnbuildInstruction>("ONBUILD COPY --chown=app . /app");
        var copy = Assert.IsType<CopyInstruction>(onbuild.Trigger);
        Assert.Equal("app", copy.Chown);
        Assert.Equal("COPY --chown=app . /app", onbuild.Expression);
        var run = Assert.IsType<RunInstruction>(Single<OnbuildInstruction>("ONBUILD RUN [\"make\"]").Trigger);
        Assert.Equal(CommandLine.Exec("make"), run.Command);
    }

    [Theory]
    [InlineData("ONBUILD ONBUILD RUN x", "invalid-onbuild")]
    [InlineData("ONBUILD FROM x", "invalid-onbuild")]
    [InlineData("ONBUILD MAINTAINER x", "invalid-onbuild")]
    [InlineData("ONBUILD", "missing-arguments")]
    [InlineData("ONBUILD COPY --nope a b", "unknown-flag")]
    [InlineData("ONBUILD RUNN x", "unknown-instruction")]
    public void Onbuild_errors(string line, string code) => Assert.Equal(code, Error("FROM a\n" + line).Code);

    [Fact]
    public void Healthcheck_options_are_typed()
    {
        var check = Single<HealthcheckInstruction>(
            "HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=1.5s --retries=4 CMD curl -f http://localhost/");
        Assert.False(check.IsNone);
        Assert.Equal(TimeSpan.FromSeconds(90), check.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), check.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), check.StartPeriod);
        Assert.Equal(TimeSpan.FromSeconds(1.5), check.StartInterval);
        Assert.Equal(4, check.Retries);
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost/"], check.Test);

        var exec = Single<HealthcheckInstruction>("HEALTHCHECK --interval=0s CMD [\"/check\", \"-q\"]");
        Assert.Null(exec.Interval);
        Assert.Equal(["CMD", "/check", "-q"], exec.Test);

        var none = Single<HealthcheckInstruction>("HEALTHCHECK none");
        Assert.True(none.IsNone);
        Assert.Equal(["NONE"], none.Test);
    }

    [Theory]
    [InlineData("HEALTHCHECK", "missing-arguments")]
    [InlineData("HEALTHCHECK CMD", "missing-arguments")]
    [InlineData("HEALTHCHECK NONE x", "too-many-arguments")]
    [InlineData("HEALTHCHECK --interval=5s NONE", "unknown-flag")]
    [InlineData("HEALTHCHECK CONNECT TCP 7000", "invalid-arguments")]
    [InlineData("HEALTHCHECK --interval=5 CMD x", "invalid-flag-value")]
    [InlineData("HEALTHCHECK --interval=100us CMD x", "invalid-flag-value")]
    [InlineData("HEALTHCHECK --timeout=-1s CMD x", "invalid-flag-value")]
    [InlineData("HEALTHCHECK --retries=-1 CMD x", "invalid-flag-value")]
    [InlineData("HEALTHCHECK --retries=x CMD x", "invalid-flag-value")]
    [InlineData("HEALTHCHECK --intervall=5s CMD x", "unknown-flag")]
    public void Healthcheck_errors(string line, string code) => Assert.Equal(code, Error("FROM a\n" + line).Code);

    [Fact]
    public void Dockerfile_splits_global_args_and_stages()
    {
        var file = Ok("ARG BASE=alpine\nARG V\nFROM $BASE AS build\nRUN make\nFROM scratch\nCOPY --from=build /out /\n").Dockerfile;
        Assert.Equal(2, file.GlobalArgs.Count);
        Assert.Equal(2, file.Stages.Count);
        Assert.Equal("build", file.Stages[0].Name);
        Assert.Equal(0, file.Stages[0].Index);
        Assert.IsType<RunInstruction>(Assert.Single(file.Stages[0].Instructions));
        Assert.Null(file.Stages[1].Name);
        Assert.Same(file.Stages[0], file.FindStage("BUILD"));
        Assert.Null(file.FindStage("nope"));
    }

    [Fact]
    public void Instruction_names_are_case_insensitive_and_trees_compare_by_value()
    {
        var a = Ok("from alpine\nrun echo hi\n");
        var b = Ok("from alpine\nrun echo hi\n");
        Assert.Equal(a.Syntax, b.Syntax);
        Assert.Equal(a.Dockerfile.Instructions, b.Dockerfile.Instructions);
        Assert.IsType<RunInstruction>(a.Dockerfile.Instructions[1]);
    }

    [Fact]
    public void Legacy_key_value_form_gets_a_warning()
    {
        var result = Ok("FROM a\nENV PATH /usr/bin\nENV A=b\n");
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal("legacy-key-value-format", warning.Code);
        Assert.Equal(2, warning.Span.Start.Line);
        Assert.Contains("ENV PATH=<value>", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flag_and_mount_spans_let_the_frontend_point_at_the_flag()
    {
        var result = Ok("FROM a\nCOPY --link --from=build /x /y\nRUN --mount=type=cache,target=/c make\n");
        var copy = Assert.IsType<CopyInstruction>(result.Dockerfile.Instructions[1]);
        Assert.Equal("2:13-2:25", copy.FlagSpan("from").ToString());
        Assert.Equal(copy.Span, copy.FlagSpan("chown"));
        var run = Assert.IsType<RunInstruction>(result.Dockerfile.Instructions[2]);
        Assert.Equal("3:5-3:33", run.Mounts[0].Span.ToString());
    }
}
