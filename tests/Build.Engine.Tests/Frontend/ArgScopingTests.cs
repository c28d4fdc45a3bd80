using Build.Engine.Frontend;
using Build.Engine.Graph;
using static Build.Engine.Tests.Frontend.FrontendTestHelpers;

namespace Build.Engine.Tests.Frontend;

public class ArgScopingTests
{
    [Theory]
    // Dockerfile body (\n-separated), build args (k=v;...), variable, expected value in the RUN env (null = absent)
    [InlineData("ARG V=1|FROM scratch|RUN x", "", "V", null)] // globals are invisible inside a stage
    [InlineData("ARG V=1|FROM scratch|ARG V|RUN x", "", "V", "1")] // ...until redeclared without a value
    [InlineData("ARG V=1|FROM scratch|ARG V|RUN x", "V=2", "V", "2")]
    [InlineData("ARG V=1|FROM scratch|ARG V=3|RUN x", "", "V", "3")] // a stage default beats the global
    [InlineData("ARG V=1|FROM scratch|ARG V=3|RUN x", "V=2", "V", "2")] // --build-arg beats both
    [InlineData("FROM scratch|ARG V|RUN x", "", "V", null)] // declared, no value anywhere
    [InlineData("FROM scratch|ARG V|RUN x", "V=", "V", "")]
    [InlineData("FROM scratch|RUN x", "V=2", "V", null)] // undeclared build args never reach RUN
    [InlineData("FROM scratch|ARG A=1|ARG B=${A}2|RUN x", "", "B", "12")]
    [InlineData("FROM scratch|ARG A=1 B=$A|RUN x", "", "B", "1")]
    [InlineData("FROM scratch|ARG V=a|ENV V=b|RUN x", "", "V", "b")] // ENV overrides an earlier ARG
    [InlineData("FROM scratch|ENV V=b|ARG V=a|RUN x", "", "V", "a")] // BuildKit: a later ARG sets the RUN env
    [InlineData("FROM scratch AS a|ARG V=1|FROM a|RUN x", "", "V", "1")] // stages built FROM a stage inherit its ARGs
    [InlineData("FROM scratch AS a|ARG V=1|FROM scratch|RUN x", "", "V", null)]
    [InlineData("ARG G=g|FROM scratch|ARG L=${G:-none}|RUN x", "", "L", "none")] // a global is not visible to defaults either
    public void Arg_scoping(string dockerfile, string buildArgs, string name, string? expected)
    {
        var args = buildArgs.Length == 0 ? [] : buildArgs.Split(';');
        var graph = GraphOf(dockerfile.Replace('|', '\n'), Args(args));
        var run = graph.Target.Ops<ExecOp>().Last();
        Assert.Equal(expected, run.Env(name));
    }

    [Fact]
    public void Global_args_expand_in_from_and_can_be_overridden()
    {
        const string df = "ARG BASE=busybox\nARG TAG=1.36\nFROM ${BASE}:${TAG}\nRUN x";
        Assert.Equal("docker.io/library/busybox:1.36", GraphOf(df).Target.Base.ImageReference);
        Assert.Equal("docker.io/library/alpine:1.36", GraphOf(df, Args("BASE=alpine")).Target.Base.ImageReference);
    }

    [Fact]
    public void Variables_before_their_declaration_expand_to_empty()
    {
        var graph = GraphOf("FROM scratch\nENV A=[$V]\nARG V=1\nENV B=[$V]");
        var config = graph.Target.FinalConfig;
        Assert.Equal("[]", config.GetEnv("A"));
        Assert.Equal("[1]", config.GetEnv("B"));
    }

    [Fact]
    public void Args_are_not_in_the_image_config_but_are_in_run_history()
    {
        var graph = GraphOf("FROM scratch\nARG V=1\nARG W\nRUN make");
        Assert.Null(graph.Target.FinalConfig.GetEnv("V"));
        var run = graph.Target.Steps.Single(s => s.Op is ExecOp);
        Assert.Equal("RUN |2 V=1 W= /bin/sh -c make # buildkit", run.History!.CreatedBy);
        Assert.Equal(["ARG V=1", "ARG W"], graph.Target.Steps.Where(s => s.Op is ArgOp).Select(s => s.History!.CreatedBy));
    }

    [Fact]
    public void Predefined_platform_args_need_a_declaration_inside_a_stage()
    {
        const string df = "FROM scratch\nRUN before\nARG TARGETARCH\nARG TARGETPLATFORM\nARG BUILDOS\nRUN after";
        var graph = GraphOf(df, new FrontendOptions { BuildPlatform = "linux/amd64", TargetPlatform = "linux/arm64" });
        var runs = graph.Target.Ops<ExecOp>().ToList();
        Assert.Null(runs[0].Env("TARGETARCH"));
        Assert.Equal("arm64", runs[1].Env("TARGETARCH"));
        Assert.Equal("linux/arm64", runs[1].Env("TARGETPLATFORM"));
        Assert.Equal("linux", runs[1].Env("BUILDOS"));
        Assert.Equal("linux/arm64", graph.TargetPlatform);
        Assert.Equal("linux/arm64", graph.Target.Platform);
    }

    [Fact]
    public void From_platform_uses_global_args()
    {
        var graph = GraphOf(TestCase("platform-args"), new FrontendOptions { BuildPlatform = "linux/amd64", TargetPlatform = "linux/arm/v7" });
        var cross = graph.GetStage(0);
        Assert.Equal("linux/amd64", cross.Platform);
        Assert.Equal("linux/arm/v7", graph.GetStage(1).Platform);
        var run = cross.Op<ExecOp>();
        Assert.Equal("linux/arm/v7", run.Env("TARGETPLATFORM"));
        Assert.Equal("arm", run.Env("TARGETARCH"));
        Assert.Equal("linux/amd64", run.Env("BUILDPLATFORM"));
    }

    [Fact]
    public void Proxy_args_reach_run_without_entering_env_or_history()
    {
        var graph = GraphOf("FROM scratch\nRUN fetch", Args("HTTP_PROXY=http://proxy:3128", "no_proxy=localhost"));
        var step = graph.Target.Steps.Single();
        var run = (ExecOp)step.Op;
        Assert.Equal(["HTTP_PROXY=http://proxy:3128", "no_proxy=localhost"], run.ProxyEnv.Select(e => e.ToString()));
        Assert.Null(run.Env("HTTP_PROXY"));
        Assert.DoesNotContain("proxy", step.History!.CreatedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_proxy_arg_is_an_ordinary_arg()
    {
        var graph = GraphOf("FROM scratch\nARG HTTP_PROXY\nRUN fetch", Args("HTTP_PROXY=http://p"));
        var run = graph.Target.Op<ExecOp>();
        Assert.Equal("http://p", run.Env("HTTP_PROXY"));
    }

    [Fact]
    public void Unused_build_args_warn_but_proxies_and_predefined_do_not()
    {
        var result = Convert("ARG USED\nFROM scratch\nARG LOCAL\nRUN x", Args("USED=1", "LOCAL=2", "TYPO=3", "HTTPS_PROXY=p", "TARGETARCH=x"));
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(FrontendDiagnosticCodes.UnusedBuildArg, warning.Code);
        Assert.Contains("\"TYPO\"", warning.Message, StringComparison.Ordinal);
    }
}
