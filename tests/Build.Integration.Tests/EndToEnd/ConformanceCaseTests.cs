using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Integration.Tests.Oci;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.EndToEnd;

/// <summary>
/// The conformance cases of <c>testdata/dockerfiles/</c>, end to end through the CLI: <c>builder build</c> with the
/// case's flags, the exported OCI layout validated by skopeo and unpacked by umoci, its config compared with the
/// expected JSON (what <c>docker build</c> writes for that Dockerfile), and its command run with <c>builder run</c>.
/// Set <c>BUILDER_UPDATE_CASES=1</c> to write the expected files from this build (then review them like code).
/// </summary>
public sealed class ConformanceCaseTests(ConformanceFixture fx) : IClassFixture<ConformanceFixture>
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("BUILDER_UPDATE_CASES") == "1";

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> Cases => new(ConformanceCase.Names());

    [RootTheory("skopeo", "umoci")]
    [MemberData(nameof(Cases))]
    public async Task Case_builds_validates_matches_docker_and_runs(string name)
    {
        var c = ConformanceCase.Load(name);
        using var tmp = new TempDirectory("builder-case-" + name);
        string output = tmp.Combine("out");
        Directory.CreateDirectory(output);
        var vars = new Dictionary<string, string> { ["case"] = c.Directory, ["out"] = output, ["http"] = fx.HttpBase(name) };
        string image = "case-" + name + ":latest";
        string layout = tmp.Combine("oci");
        string iidFile = tmp.Combine("iid");
        string context = c.ContextDirectory ?? Directory.CreateDirectory(tmp.Combine("empty-context")).FullName;

        // A case may first build its own base image (base/Dockerfile, tagged case-NAME-base), e.g. one with ONBUILD.
        string baseDockerfile = Path.Combine(c.Directory, "base", "Dockerfile");
        if (File.Exists(baseDockerfile))
        {
            var (baseCode, _, baseErr) = await fx.CliAsync([
                "build", "--progress", "plain", "-f", baseDockerfile, "-t", "case-" + name + "-base:latest",
                Directory.CreateDirectory(tmp.Combine("base-context")).FullName]);
            Assert.True(baseCode == 0, $"building {baseDockerfile} failed ({baseCode}):\n{baseErr}");
        }

        // Build: the case's flags plus a stored image (for builder run) and an OCI layout (for skopeo and umoci).
        var (code, _, stderr) = await fx.CliAsync([
            "build", "--progress", "plain", "-f", c.Dockerfile, "-t", image, "--iidfile", iidFile,
            "--output", "type=image", "--output", $"type=oci,dest={layout},tar=false",
            .. c.BuildFlags(vars), context]);
        Assert.True(code == 0, $"builder build failed ({code}):\n{stderr}");

        // Validate with tools nobody here wrote: skopeo reads manifest and config, umoci unpacks every layer.
        string reference = $"oci:{layout}:latest";
        var manifest = JsonNode.Parse(await Tools.RunAsync("skopeo", "inspect", "--raw", reference))!;
        Assert.Equal((await File.ReadAllTextAsync(iidFile)).Trim(), (string?)manifest["config"]?["digest"]);
        var inspect = JsonNode.Parse(await Tools.RunAsync("skopeo", "inspect", reference))!;
        Assert.Equal(manifest["layers"]!.AsArray().Count, inspect["Layers"]!.AsArray().Count);
        await Tools.RunAsync("umoci", "unpack", "--rootless", "--image", layout + ":latest", tmp.Combine("bundle"));
        Assert.True(Directory.Exists(tmp.Combine("bundle", "rootfs")), "umoci unpacked no rootfs");

        // The config, as docker writes it for this Dockerfile (with its timestamps when the case pins them).
        var rawExpected = c.ExpectedConfig(vars);
        bool pinned = rawExpected["created"] is not null;
        var config = ConformanceCase.Normalize(JsonNode.Parse(await Tools.RunAsync("skopeo", "inspect", "--raw", "--config", reference))!, pinned);
        if (Update)
            await File.WriteAllTextAsync(Path.Combine(c.Directory, ConformanceCase.ExpectedConfigFile),
                config.ToJsonString(Pretty).Replace(vars["http"], "{http}", StringComparison.Ordinal) + "\n");
        var expected = Update ? config : ConformanceCase.Normalize(rawExpected, pinned);
        Assert.True(ConformanceCase.FirstDifference(expected, config) is null,
            $"{name}: config differs at {ConformanceCase.FirstDifference(expected, config)}\nactual: {config.ToJsonString(Pretty)}");

        // Outputs of -o type=local|tar|docker|oci.
        foreach (var check in c.OutputChecks(vars))
            await CheckOutputAsync(check);

        // Built again, every step is a cache hit: a key that depended on the clock, the host or an unordered walk
        // would miss here. (The case's own --metrics-file, if it has one, is where the metrics go.)
        var flags = c.BuildFlags(vars);
        int metricsFlag = flags.ToList().IndexOf("--metrics-file");
        string metrics = metricsFlag >= 0 ? flags[metricsFlag + 1] : tmp.Combine("metrics-again.json");
        var (again, _, againErr) = await fx.CliAsync([
            "build", "--progress", "plain", "-f", c.Dockerfile, "-t", image, "--output", "type=image",
            .. metricsFlag >= 0 ? Array.Empty<string>() : ["--metrics-file", metrics], .. flags, context]);
        Assert.True(again == 0, $"second builder build failed ({again}):\n{againErr}");
        var executed = JsonNode.Parse(await File.ReadAllTextAsync(metrics))!["steps"]!.AsArray()
            .Where(step => (bool)step!["executed"]!).Select(step => (string?)step!["name"]).ToList();
        Assert.True(executed.Count == 0, $"{name}: the second build executed {string.Join(", ", executed)}");

        // The image's command, in the sandbox, with the expected output.
        var (runCode, stdout, runErr) = await fx.CliAsync(["run", "--network", "none", image, .. c.RunArgs(vars)]);
        if (Update)
            await File.WriteAllTextAsync(Path.Combine(c.Directory, ConformanceCase.ExpectedOutputFile), stdout);
        Assert.True(runCode == 0, $"builder run {image} exited {runCode}:\n{stdout}\n{runErr}");
        Assert.Equal(c.ExpectedOutput(vars) ?? throw new InvalidOperationException($"{name}: no {ConformanceCase.ExpectedOutputFile}"), stdout);
    }

    private static async Task CheckOutputAsync(string[] check)
    {
        switch (check[0])
        {
            case "exists":
                Assert.True(File.Exists(check[1]) || Directory.Exists(check[1]), $"missing output {check[1]}");
                break;
            case "absent":
                Assert.False(File.Exists(check[1]) || Directory.Exists(check[1]), $"unexpected output {check[1]}");
                break;
            case "contains":
                Assert.Equal(string.Join(' ', check[2..]), (await File.ReadAllTextAsync(check[1])).TrimEnd('\n'));
                break;
            case "tar":
                await using (var s = File.OpenRead(check[1]))
                {
                    using var reader = new TarReader(s);
                    var names = new List<string>();
                    while (await reader.GetNextEntryAsync() is { } e)
                        names.Add(e.Name.TrimEnd('/'));
                    foreach (var entry in check[2..])
                        Assert.Contains(entry, names);
                }
                break;
            case "skopeo":
                var info = JsonNode.Parse(await Tools.RunAsync("skopeo", "inspect", check[1]))!;
                Assert.NotEmpty(info["Layers"]!.AsArray());
                break;
            default:
                throw new InvalidOperationException("unknown output check: " + string.Join(' ', check));
        }
    }
}
