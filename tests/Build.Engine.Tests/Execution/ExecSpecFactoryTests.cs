using Build.Engine.Errors;
using Build.Engine.Execution;

namespace Build.Engine.Tests.Execution;

public sealed class ExecSpecFactoryTests
{
    private static ExecRequest Request(params string[] command) => new() { RootfsPath = "/r", Command = [.. command] };

    [Fact]
    public void Shell_form_runs_through_the_shell()
    {
        var spec = ExecSpecFactory.Create(Request("echo hi && ls") with { ShellForm = true }, UserDatabase.Empty);
        Assert.Equal(["/bin/sh", "-c", "echo hi && ls"], spec.Args.ToArray());
    }

    [Fact]
    public void Shell_form_uses_the_stages_shell()
    {
        var spec = ExecSpecFactory.Create(Request("echo hi") with { ShellForm = true, Shell = ["/bin/bash", "-eo", "pipefail", "-c"] }, UserDatabase.Empty);
        Assert.Equal(["/bin/bash", "-eo", "pipefail", "-c", "echo hi"], spec.Args.ToArray());
    }

    [Fact]
    public void Exec_form_is_kept_verbatim()
    {
        var spec = ExecSpecFactory.Create(Request("/bin/echo", "$HOME", "a b"), UserDatabase.Empty);
        Assert.Equal(["/bin/echo", "$HOME", "a b"], spec.Args.ToArray());
    }

    [Fact]
    public void Env_gets_default_path_and_home_and_later_entries_win()
    {
        var spec = ExecSpecFactory.Create(Request("x") with { Env = ["A=1", "B=2", "A=3", "C"] }, UserDatabase.Empty);
        Assert.Equal([$"PATH={ExecSpecFactory.DefaultPath}", "A=3", "B=2", "C=", "HOME=/root"], spec.Env.ToArray());
    }

    [Fact]
    public void Env_keeps_given_path_and_home()
    {
        var spec = ExecSpecFactory.Create(Request("x") with { Env = ["PATH=/bin", "HOME=/h"] }, UserDatabase.Empty);
        Assert.Equal(["PATH=/bin", "HOME=/h"], spec.Env.ToArray());
    }

    [Fact]
    public void Home_comes_from_the_users_passwd_entry()
    {
        var db = UserDatabase.Parse("u:x:5:5::/home/u:/bin/sh\n", "");
        var spec = ExecSpecFactory.Create(Request("x") with { User = "u" }, db);
        Assert.Contains("HOME=/home/u", spec.Env.ToArray());
        Assert.Equal(5u, spec.User.Uid);
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("app", "/app")]
    [InlineData("/a/./b/../c/", "/a/c")]
    [InlineData("/../..", "/")]
    public void Working_directory_is_normalized(string given, string expected)
    {
        var spec = ExecSpecFactory.Create(Request("x") with { WorkingDirectory = given }, UserDatabase.Empty);
        Assert.Equal(expected, spec.WorkingDirectory);
    }

    [Fact]
    public void Defaults_are_dockers()
    {
        var spec = ExecSpecFactory.Create(Request("x"), UserDatabase.Empty);
        Assert.Equal(LinuxCapabilities.DockerDefault, spec.Capabilities);
        Assert.Equal(0xa80425fbUL, spec.Capabilities);
        Assert.True(spec.NoNewPrivileges);
        Assert.Equal(NetworkMode.Host, spec.Network);
        Assert.Equal(ExecSpecFactory.DefaultHostname, spec.Hostname);
    }

    [Fact]
    public void Empty_command_is_rejected()
    {
        Assert.Throws<BuildException>(() => ExecSpecFactory.Create(new ExecRequest { RootfsPath = "/r", Command = [] }, UserDatabase.Empty));
    }
}
