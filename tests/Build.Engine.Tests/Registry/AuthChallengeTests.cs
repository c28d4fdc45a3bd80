using Build.Engine.Registry;

namespace Build.Engine.Tests.Registry;

public class AuthChallengeTests
{
    [Fact]
    public void Parses_a_docker_hub_bearer_challenge()
    {
        var c = Assert.Single(AuthChallenge.ParseAll(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\""));
        Assert.True(c.IsBearer);
        Assert.Equal("https://auth.docker.io/token", c.Realm);
        Assert.Equal("registry.docker.io", c.Service);
        Assert.Equal("repository:library/busybox:pull", c.Scope);
    }

    [Fact]
    public void Parses_basic_with_realm_and_unquoted_values()
    {
        var c = Assert.Single(AuthChallenge.ParseAll("basic realm=Registry"));
        Assert.True(c.IsBasic);
        Assert.Equal("Registry", c.Realm);
    }

    [Fact]
    public void Parses_several_challenges_and_escaped_quotes()
    {
        var all = AuthChallenge.ParseAll("Basic realm=\"a \\\"quoted\\\" realm\", Bearer realm=\"https://t/x\", scope=\"repository:a:pull,push\"");
        Assert.Equal(2, all.Count);
        Assert.Equal("a \"quoted\" realm", all[0].Realm);
        Assert.True(all[1].IsBearer);
        Assert.Equal("repository:a:pull,push", all[1].Scope);
    }

    [Fact]
    public void Parameter_names_are_case_insensitive_and_spaces_tolerated()
    {
        var c = Assert.Single(AuthChallenge.ParseAll("Bearer  Realm = \"https://r\" ,  SERVICE=\"s\""));
        Assert.Equal("https://r", c.Realm);
        Assert.Equal("s", c.Service);
    }

    [Fact]
    public void Empty_header_has_no_challenge() => Assert.Empty(AuthChallenge.ParseAll("  "));
}
