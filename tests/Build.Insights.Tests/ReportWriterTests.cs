using System.Diagnostics;
using System.Text.RegularExpressions;
using Build.Insights.Advice;
using Build.Insights.Reports;
using static Build.Insights.Tests.Fakes;

namespace Build.Insights.Tests;

public class ReportWriterTests
{
    private static ReplayReport Report()
    {
        var run = Run(
            Commit(1, [], 1000, Miss("s0.1", "COPY . /app", 3, 50, First()), Miss("s0.2", "RUN npm ci", 4, 800, First())),
            Commit(2, ["src/a.js"], 900, Miss("s0.1", "COPY . /app", 3, 40, File("src/a.js")), Miss("s0.2", "RUN npm ci", 4, 700, Parent())),
            Commit(3, ["README.md"], 100, Hit("s0.1", "COPY . /app", 3, 5, 40), Hit("s0.2", "RUN npm ci", 4, 5, 700)));
        var advised = run with { Dockerfile = "/tmp/Dockerfile.advised <x>" };
        var advice = new Suggestion(SuggestionKind.DependencyManifests, "Copy package.json first", [3, 4], "detail <b>", "safe", 1234.5, 2, "estimated", []);
        return new ReplayReport("/repo & co", "app", new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero), run, [advice], advised);
    }

    [Fact]
    public void Json_round_trips_every_number_and_uses_snake_case()
    {
        var report = Report();
        string json = ReportWriter.ToJson(report);
        Assert.Contains("\"time_weighted_hit_ratio\"", json, StringComparison.Ordinal);
        Assert.Contains("\"no_cache_basis\": \"estimated\"", json, StringComparison.Ordinal);
        var back = ReportWriter.FromJson(json);
        Assert.Equal(json, ReportWriter.ToJson(back));
        Assert.Equal(report.Original.Summary, back.Original.Summary);
        Assert.Equal(report.Original.Builds[1].Steps[0].Changes[0], back.Original.Builds[1].Steps[0].Changes[0]);
    }

    [Fact]
    public void Html_is_one_self_contained_page_with_a_chart_per_build_and_escaped_text()
    {
        var w = new StringWriter();
        ReportWriter.Write(Report(), ReportFormat.Html, w);
        string html = w.ToString();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"\b(src|href)\s*=|@import|url\(", RegexOptions.IgnoreCase), html);
        Assert.Equal(6, Regex.Matches(html, "class=\"build-chart\"").Count); // 3 builds, original and advised
        Assert.Equal(2, Regex.Matches(html, "class=\"ratio-chart\"").Count);
        Assert.Contains("/repo &amp; co", html, StringComparison.Ordinal);
        Assert.Contains("Dockerfile.advised &lt;x&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("detail <b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_report_has_the_summary_the_costliest_misses_advice_and_the_comparison()
    {
        var w = new StringWriter();
        ReportWriter.Write(Report(), ReportFormat.Text, w);
        string text = w.ToString();
        Assert.Contains("hit ratio:        33.3% of steps (2 hits, 4 misses)", text, StringComparison.Ordinal);
        Assert.Contains("RUN npm ci (line 4) missed in 2 of 3 builds", text, StringComparison.Ordinal);
        Assert.Contains("1. Copy package.json first (lines 3, 4; saves ~1.23s, 2 misses avoided)", text, StringComparison.Ordinal);
        Assert.Contains("Side by side: Dockerfile | /tmp/Dockerfile.advised <x>", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Renders the page in headless Chromium (no network, no sandbox needed for a local file): the DOM holds the
    /// charts and the screenshot shows both the hit and the miss colour, so the SVG really rendered.
    /// </summary>
    [ChromiumFact]
    public void Html_renders_its_charts_in_headless_chromium()
    {
        string dir = Path.Combine(Path.GetTempPath(), "builder-report-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string page = Path.Combine(dir, "report.html");
            using (var f = new StreamWriter(page))
                ReportWriter.Write(Report(), ReportFormat.Html, f);
            string shot = Path.Combine(dir, "shot.png");
            var (dom, log) = Chromium(dir, "--dump-dom", "file://" + page);
            Assert.Equal(6, Regex.Matches(dom, "<svg[^>]*class=\"build-chart\"").Count);
            Assert.True(Regex.Matches(dom, "<rect[^>]*class=\"(hit|miss)\"").Count >= 12, "step rectangles in the DOM");
            Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
            Chromium(dir, "--screenshot=" + shot, "--window-size=1280,1400", "file://" + page);
            var png = Png.Read(System.IO.File.ReadAllBytes(shot));
            Assert.Equal(1280, png.Width);
            Assert.True(png.Count("#2e9d5b") > 200, "hit-coloured pixels in the screenshot");
            Assert.True(png.Count("#d64541") > 200, "miss-coloured pixels in the screenshot");
            Assert.True(png.Count("#ffffff") < png.Width * png.Height, "the page is not blank");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (string Stdout, string Stderr) Chromium(string profileParent, params string[] args)
    {
        var psi = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                     "--enable-logging=stderr", "--user-data-dir=" + Path.Combine(profileParent, "profile") }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 120 s");
        }
        Assert.True(p.ExitCode == 0, $"chromium exited {p.ExitCode}: {stderr.Result}");
        return (stdout, stderr.Result);
    }
}
