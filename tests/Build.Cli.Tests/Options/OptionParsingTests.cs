using Build.Cli.Options;
using Build.Engine.Errors;
using Build.Engine.Export;

namespace Build.Cli.Tests.Options;

public class OptionParsingTests
{
    [Fact]
    public void Csv_fields_allow_quoted_commas()
    {
        var f = CsvFields.Parse("--output", "type=local,\"dest=a,b\",name=x");
        Assert.Equal(["type", "dest", "name"], f.Select(kv => kv.Key).ToArray());
        Assert.Equal("a,b", f[1].Value);
    }

    [Fact]
    public void Unterminated_quote_is_a_clear_error()
    {
        var e = Assert.Throws<BuildException>(() => CsvFields.Parse("--secret", "id=x,\"src=y"));
        Assert.Contains("--secret", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type=oci,dest=out.tar", ExportType.Oci, "out.tar")]
    [InlineData("type=docker,dest=img.tar", ExportType.Docker, "img.tar")]
    [InlineData("type=local,dest=outdir", ExportType.Local, "outdir")]
    [InlineData("type=tar,dest=fs.tar", ExportType.Tar, "fs.tar")]
    [InlineData("outdir", ExportType.Local, "outdir")]
    [InlineData("-", ExportType.Tar, "-")]
    public void Output_types_and_shorthands(string text, ExportType type, string dest)
    {
        var t = OutputSpec.Parse(text, ["app:1"]);
        Assert.Equal(type, t.Type);
        Assert.Equal(dest, t.Destination);
    }

    [Fact]
    public void Image_output_takes_names_from_tags_unless_given()
    {
        Assert.Equal(["app:1"], OutputSpec.Parse("type=image", ["app:1"]).Names);
        var t = OutputSpec.Parse("type=image,name=reg:5000/a:1,push=true", ["app:1"]);
        Assert.Equal(["reg:5000/a:1"], t.Names);
        Assert.True(t.Push);
        Assert.True(OutputSpec.Parse("type=registry,name=r/a", []).Push);
    }

    [Theory]
    [InlineData("type=zip,dest=x", "unknown type")]
    [InlineData("type=local", "needs dest=")]
    [InlineData("dest=x", "missing type=")]
    [InlineData("type=image,push=maybe", "push=")]
    [InlineData("type=local,dest=x,colour=red", "unknown attribute")]
    public void Bad_outputs_are_one_line_errors(string text, string fragment)
    {
        var e = Assert.Throws<BuildException>(() => OutputSpec.Parse(text, []));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Build_args_take_bare_names_from_the_environment()
    {
        var env = new Dictionary<string, string> { ["HOME_DIR"] = "/home/x" };
        var args = KeyValueArgs.Parse("--build-arg", ["A=1", "B=", "HOME_DIR", "UNSET", "A=2", "C=x=y"], k => env.GetValueOrDefault(k));
        Assert.Equal("2", args["A"]);
        Assert.Equal("", args["B"]);
        Assert.Equal("/home/x", args["HOME_DIR"]);
        Assert.False(args.ContainsKey("UNSET"));
        Assert.Equal("x=y", args["C"]);
        Assert.Throws<BuildException>(() => KeyValueArgs.Parse("--build-arg", ["=v"], _ => null));
    }
}
