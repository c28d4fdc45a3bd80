using Build.Insights.Advice;
using Build.Insights.Reports;
using static Build.Insights.Tests.Fakes;

namespace Build.Insights.Tests;

public class DockerfileAdvisorTests
{
    private const string NodeDockerfile = """
        FROM builder-tools:local
        WORKDIR /app
        COPY . .
        RUN npm ci
        RUN npm run build
        CMD ["node", "dist/bundle.js"]

        """;

    private static readonly string[] NodeFiles = ["Dockerfile", "README.md", "package-lock.json", "package.json", "src/a.js", "src/b.js"];

    private static ReplayBuild NodeBuild(int n, string changed, double copyMs, double ciMs, double buildMs) => Commit(n, [changed], copyMs + ciMs + buildMs + 10,
        Hit("s0.1", "WORKDIR /app", 2, 1, 2),
        Miss("s0.2", "COPY . .", 3, copyMs, File(changed)),
        Miss("s0.3", "RUN npm ci", 4, ciMs, Parent()),
        Miss("s0.4", "RUN npm run build", 5, buildMs, Parent()));

    private static ReplayRun NodeRun() => Run(
        Commit(1, [], 1000, Miss("s0.1", "WORKDIR /app", 2, 2, First()), Miss("s0.2", "COPY . .", 3, 20, First()), Miss("s0.3", "RUN npm ci", 4, 800, First()), Miss("s0.4", "RUN npm run build", 5, 100, First())),
        NodeBuild(2, "src/a.js", 20, 700, 100),
        NodeBuild(3, "package.json", 20, 800, 100),
        NodeBuild(4, "src/b.js", 20, 600, 100),
        NodeBuild(5, "README.md", 30, 650, 90));

    private static AdviceResult AdviseNode() => DockerfileAdvisor.Advise(new AdviceInput(NodeDockerfile, "Dockerfile", NodeFiles, null, NodeRun()));

    [Fact]
    public void Node_install_after_a_broad_copy_gets_the_dependency_manifest_split_with_its_gain()
    {
        var s = Assert.Single(AdviseNode().Suggestions, x => x.Kind == SuggestionKind.DependencyManifests);
        Assert.Equal([3, 4], s.Lines);
        // Builds 2, 4 and 5 changed no manifest: their npm ci would have hit (build 3 changed package.json).
        Assert.Equal(3, s.MissesAvoided);
        Assert.Equal(700 + 600 + 650, s.GainMs!.Value, 6);
        Assert.Contains("package-lock.json, package.json", s.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Documentation_is_split_out_of_the_broad_copy_and_a_doc_only_commit_would_hit()
    {
        var s = Assert.Single(AdviseNode().Suggestions, x => x.Kind == SuggestionKind.SplitCopy);
        Assert.Equal([3], s.Lines);
        Assert.Equal(3, s.MissesAvoided); // build 5: COPY, npm ci and npm run build
        Assert.Equal(30 + 650 + 90, s.GainMs!.Value, 6);
    }

    [Fact]
    public void The_rewritten_node_dockerfile_installs_from_the_manifests_first_and_keeps_every_file()
    {
        var result = AdviseNode();
        Assert.Equal("""
            FROM builder-tools:local
            WORKDIR /app
            COPY package-lock.json package.json ./
            RUN --mount=type=cache,target=/root/.npm npm ci
            COPY Dockerfile package-lock.json package.json ./
            COPY src/ ./src/
            RUN npm run build
            COPY README.md ./
            CMD ["node", "dist/bundle.js"]

            """, result.RewrittenDockerfile);
        Assert.Null(result.DockerIgnore);
        var mount = Assert.Single(result.Suggestions, x => x.Kind == SuggestionKind.CacheMount);
        Assert.Equal([4], mount.Lines);
        Assert.Null(mount.GainMs);
    }

    [Fact]
    public void No_advice_when_every_step_hit_after_the_first_build()
    {
        var run = Run(
            Commit(1, [], 1000, Miss("s0.2", "COPY . .", 3, 20, First()), Miss("s0.3", "RUN npm ci", 4, 800, First())),
            Commit(2, ["README.md"], 30, Hit("s0.2", "COPY . .", 3, 5, 20), Hit("s0.3", "RUN npm ci", 4, 5, 800)));
        var result = DockerfileAdvisor.Advise(new AdviceInput(NodeDockerfile, "Dockerfile", NodeFiles, null, run));
        Assert.Empty(result.Suggestions);
        Assert.Equal(NodeDockerfile, result.RewrittenDockerfile);
    }

    private const string ServiceDockerfile = """
        FROM builder-tools:local
        WORKDIR /srv
        ARG GIT_COMMIT=unknown
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        COPY . .
        RUN python -m compileall app
        LABEL org.opencontainers.image.revision=$GIT_COMMIT
        """;

    private static ReplayRun ServiceRun() => Run(
        Commit(1, [], 1000, Miss("s0.1", "WORKDIR /srv", 2, 1, First()), Miss("s0.2", "COPY requirements.txt .", 4, 5, First()),
            Miss("s0.3", "RUN pip install -r requirements.txt", 5, 500, First()), Miss("s0.4", "COPY . .", 6, 20, First()), Miss("s0.5", "RUN python -m compileall app", 7, 100, First())),
        Commit(2, ["logs/build.log"], 700, Hit("s0.1", "WORKDIR /srv", 2, 1, 1), Hit("s0.2", "COPY requirements.txt .", 4, 1, 5),
            Miss("s0.3", "RUN pip install -r requirements.txt", 5, 500, Arg("GIT_COMMIT")), Miss("s0.4", "COPY . .", 6, 20, File("logs/build.log")), Miss("s0.5", "RUN python -m compileall app", 7, 100, Parent())),
        Commit(3, ["app/util.py", "logs/build.log"], 700, Hit("s0.1", "WORKDIR /srv", 2, 1, 1), Hit("s0.2", "COPY requirements.txt .", 4, 1, 5),
            Miss("s0.3", "RUN pip install -r requirements.txt", 5, 480, Arg("GIT_COMMIT")), Miss("s0.4", "COPY . .", 6, 20, File("app/util.py"), File("logs/build.log")), Miss("s0.5", "RUN python -m compileall app", 7, 100, Parent())));

    private static AdviceResult AdviseService() => DockerfileAdvisor.Advise(new AdviceInput(
        ServiceDockerfile, "Dockerfile", ["Dockerfile", "app/main.py", "app/util.py", "logs/build.log", "requirements.txt"], "*.tmp\n", ServiceRun()));

    [Fact]
    public void An_often_changing_arg_moves_down_to_its_first_use_and_only_its_own_misses_count()
    {
        var result = AdviseService();
        var s = Assert.Single(result.Suggestions, x => x.Kind == SuggestionKind.MoveArg);
        Assert.Equal([3, 5, 7], s.Lines);
        // pip install would have hit in builds 2 and 3; COPY . . still missed (files), so compileall still ran.
        Assert.Equal(2, s.MissesAvoided);
        Assert.Equal(500 + 480, s.GainMs!.Value, 6);
        Assert.Contains("RUN python -m compileall app\nARG GIT_COMMIT=unknown\nLABEL", result.RewrittenDockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("WORKDIR /srv\nARG", result.RewrittenDockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_directory_that_changes_every_commit_goes_to_dockerignore_on_top_of_the_arg_move()
    {
        var result = AdviseService();
        var s = Assert.Single(result.Suggestions, x => x.Kind == SuggestionKind.DockerIgnore);
        Assert.Equal(["logs"], s.DockerIgnoreEntries);
        // Build 2 changed only the log: with the ARG moved too, COPY . . and compileall would have hit.
        Assert.Equal(2, s.MissesAvoided);
        Assert.Equal(20 + 100, s.GainMs!.Value, 6);
        Assert.Equal("*.tmp\n# added by builder cache advise\nlogs\n", result.DockerIgnore);
    }

    [Fact]
    public void Moving_a_continued_instruction_keeps_its_lines_and_the_comments_stay_in_place()
    {
        const string text = "# syntax comment\nFROM builder-tools:local\n# install\nCOPY . /app\nRUN npm ci \\\n    --no-audit\nRUN npm run build\n";
        var run = Run(
            Commit(1, [], 10, Miss("s0.1", "COPY . /app", 4, 1, First()), Miss("s0.2", "RUN npm ci --no-audit", 5, 5, First())),
            Commit(2, ["src/x.js"], 10, Miss("s0.1", "COPY . /app", 4, 1, File("src/x.js")), Miss("s0.2", "RUN npm ci --no-audit", 5, 5, Parent())));
        var result = DockerfileAdvisor.Advise(new AdviceInput(text, "Dockerfile", ["package.json", "src/x.js"], null, run));
        Assert.StartsWith("# syntax comment\nFROM builder-tools:local\n# install\nCOPY package.json /app/\nRUN --mount=type=cache,target=/root/.npm npm ci \\\n    --no-audit\nCOPY . /app\nRUN npm run build\n",
            result.RewrittenDockerfile, StringComparison.Ordinal);
    }
}
