using System.Globalization;
using System.Net;
using System.Text;
using Build.Insights.Advice;

namespace Build.Insights.Reports;

/// <summary>
/// One self-contained HTML page: inline CSS and inline SVG charts, no script, no external font, image or link,
/// so it reads the same offline. Each build gets a chart: its steps stacked by duration, hits green, misses red,
/// the rest of the build (base image, hashing, metadata steps) grey; all charts share one time scale.
/// </summary>
internal static class HtmlReport
{
    private const string HitColor = "#2e9d5b";
    private const string MissColor = "#d64541";
    private const string UncachedColor = "#9b8bd1";
    private const string OtherColor = "#c9ced6";

    public static void Write(ReplayReport report, TextWriter w)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Cache replay: ").Append(E(report.Repository)).Append("</title>\n");
        sb.Append("<style>\nbody{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}\n");
        sb.Append("h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #dde;padding-bottom:4px}\n");
        sb.Append("table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;text-align:left;border-bottom:1px solid #eef}th{background:#f4f6fa}\n");
        sb.Append("td.n{text-align:right;font-variant-numeric:tabular-nums}.big{font-size:28px;font-weight:600}.card{display:inline-block;margin:0 24px 12px 0}\n");
        sb.Append(".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\n");
        sb.Append("pre{background:#f6f8fa;padding:8px;white-space:pre-wrap;font-size:12px}.cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{flex:1;min-width:420px}\n");
        sb.Append("li{margin-bottom:6px}.muted{color:#667}</style></head><body>\n");
        sb.Append("<h1>Cache replay of ").Append(E(report.Repository)).Append("</h1>\n");
        sb.Append("<p class=\"muted\">").Append(E(report.Created.ToString("u", CultureInfo.InvariantCulture)));
        if (report.Target is not null)
            sb.Append(" · target ").Append(E(report.Target));
        sb.Append("</p>\n");

        if (report.Advised is { } advised)
        {
            sb.Append("<h2>Side by side</h2>\n<table><tr><th></th><th>").Append(E(report.Original.Dockerfile)).Append("</th><th>").Append(E(advised.Dockerfile)).Append("</th></tr>\n");
            foreach (var (label, a, b) in TextReport.Rows(report.Original.Summary, advised.Summary))
                sb.Append("<tr><td>").Append(E(label)).Append("</td><td class=\"n\">").Append(E(a)).Append("</td><td class=\"n\">").Append(E(b)).Append("</td></tr>\n");
            sb.Append("</table>\n<div class=\"cols\"><div>\n");
            Run(sb, report.Original, "original", 250);
            sb.Append("</div><div>\n");
            Run(sb, advised, "advised", 250);
            sb.Append("</div></div>\n");
        }
        else
        {
            Run(sb, report.Original, "original", 480);
        }

        if (report.Advice.Count > 0)
            Advice(sb, report.Advice);
        sb.Append("</body></html>\n");
        w.Write(sb.ToString());
    }

    private static void Run(StringBuilder sb, ReplayRun run, string id, double chartWidth)
    {
        var s = run.Summary;
        sb.Append("<h2>").Append(E(run.Dockerfile)).Append(run.Fresh ? " (empty cache at start)" : " (builder's cache)").Append("</h2>\n");
        Card(sb, Units.Percent(s.HitRatio), Invariant($"step hit ratio ({s.Hits} hits, {s.Misses} misses)"));
        Card(sb, Units.Percent(s.TimeWeightedHitRatio), "time-weighted hit ratio");
        Card(sb, Units.Seconds(s.TotalMs), Invariant($"for {s.Builds} builds"));
        Card(sb, Units.Seconds(s.NoCacheMs), "without cache (" + s.NoCacheBasis + ")");
        if (s.FailedBuilds > 0)
            Card(sb, Units.Int(s.FailedBuilds), "failed builds");
        HitRatioChart(sb, run, id);

        if (run.TopMisses.Count > 0)
        {
            sb.Append("<h3>Steps that miss most</h3>\n<ul>\n");
            foreach (var m in run.TopMisses.Take(10))
                sb.Append("<li>").Append(E(m.Sentence)).Append(" <span class=\"muted\">(").Append(Units.Seconds(m.MissMs)).Append(")</span></li>\n");
            sb.Append("</ul>\n");
        }

        sb.Append("<h3>Time per build, by step</h3>\n<p class=\"legend\">")
            .Append("<span style=\"background:").Append(HitColor).Append("\"></span>hit")
            .Append("<span style=\"background:").Append(MissColor).Append("\"></span>miss")
            .Append("<span style=\"background:").Append(UncachedColor).Append("\"></span>uncached")
            .Append("<span style=\"background:").Append(OtherColor).Append("\"></span>rest of the build</p>\n");
        double scale = Math.Max(1, run.Builds.Max(b => Math.Max(b.WallMs, b.StepsMs)));
        sb.Append("<table>\n<tr><th>#</th><th>commit</th><th>hits</th><th>misses</th><th>time</th><th>chart</th></tr>\n");
        foreach (var b in run.Builds)
        {
            sb.Append("<tr><td class=\"n\">").Append(b.Number).Append("</td><td title=\"").Append(E(b.Subject)).Append("\"><code>").Append(E(b.ShortCommit)).Append("</code></td>");
            if (b.Error is not null)
            {
                sb.Append("<td colspan=\"4\">failed: ").Append(E(b.Error)).Append("</td></tr>\n");
                continue;
            }
            sb.Append("<td class=\"n\">").Append(b.Hits).Append("</td><td class=\"n\">").Append(b.Misses).Append("</td><td class=\"n\">").Append(Units.Seconds(b.WallMs)).Append("</td><td>");
            BuildChart(sb, b, scale, id, chartWidth);
            sb.Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
    }

    private static void BuildChart(StringBuilder sb, ReplayBuild b, double scale, string id, double width)
    {
        const double height = 18;
        sb.Append(Invariant($"<svg class=\"build-chart\" id=\"{id}-build-{b.Number}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"build {b.Number}: {b.Hits} hits, {b.Misses} misses\">"));
        sb.Append(Invariant($"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#f7f8fb\"/>"));
        double x = 0;
        foreach (var s in b.Steps)
        {
            double w = s.DurationMs / scale * width;
            string color = s.IsHit ? HitColor : s.IsMiss ? MissColor : UncachedColor;
            sb.Append(Invariant($"<rect class=\"{s.Result}\" x=\"{x:0.###}\" y=\"1\" width=\"{Math.Max(w, 0.75):0.###}\" height=\"{height - 2}\" fill=\"{color}\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{E(s.Instruction)}: {s.Result}, {Units.Seconds(s.DurationMs)}{(s.Changes.Count > 0 ? " — " + E(string.Join("; ", s.Changes.Take(3).Select(c => c.Description))) : "")}</title></rect>"));
            x += w;
        }
        if (b.OtherMs > 0)
        {
            double w = b.OtherMs / scale * width;
            sb.Append(Invariant($"<rect class=\"other\" x=\"{x:0.###}\" y=\"1\" width=\"{w:0.###}\" height=\"{height - 2}\" fill=\"{OtherColor}\"><title>rest of the build: {Units.Seconds(b.OtherMs)}</title></rect>"));
        }
        sb.Append("</svg>");
    }

    /// <summary>One column per build: its step hit ratio, so a reader sees where in the history the cache failed.</summary>
    private static void HitRatioChart(StringBuilder sb, ReplayRun run, string id)
    {
        int n = Math.Max(1, run.Builds.Count);
        double col = Math.Clamp(360.0 / n, 4, 30), width = col * n + 40, height = 110, plot = 80;
        sb.Append(Invariant($"<div><svg class=\"ratio-chart\" id=\"{id}-ratios\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:0}\" height=\"{height}\" viewBox=\"0 0 {width:0} {height}\" role=\"img\" aria-label=\"hit ratio per build\">"));
        sb.Append(Invariant($"<line x1=\"34\" y1=\"10\" x2=\"34\" y2=\"{10 + plot}\" stroke=\"#99a\"/><line x1=\"34\" y1=\"{10 + plot}\" x2=\"{width:0}\" y2=\"{10 + plot}\" stroke=\"#99a\"/>"));
        sb.Append("<text x=\"30\" y=\"14\" font-size=\"10\" text-anchor=\"end\" fill=\"#556\">100%</text>");
        sb.Append(Invariant($"<text x=\"30\" y=\"{10 + plot}\" font-size=\"10\" text-anchor=\"end\" fill=\"#556\">0%</text>"));
        for (int i = 0; i < run.Builds.Count; i++)
        {
            var b = run.Builds[i];
            int keyed = b.Hits + b.Misses;
            double ratio = b.Error is not null || keyed == 0 ? 0 : (double)b.Hits / keyed;
            double h = ratio * plot, x = 36 + i * col;
            sb.Append(Invariant($"<rect class=\"ratio\" x=\"{x:0.##}\" y=\"{10 + plot - h:0.##}\" width=\"{col - 2:0.##}\" height=\"{Math.Max(h, 0.5):0.##}\" fill=\"{(b.Error is null ? HitColor : MissColor)}\"><title>build {b.Number} ({E(b.ShortCommit)}): {Units.Percent(ratio)}</title></rect>"));
        }
        sb.Append(Invariant($"<text x=\"36\" y=\"{height - 4}\" font-size=\"10\" fill=\"#556\">hit ratio per build, oldest first</text></svg></div>\n"));
    }

    private static void Advice(StringBuilder sb, IReadOnlyList<Suggestion> advice)
    {
        sb.Append("<h2>Advice</h2>\n<ol>\n");
        foreach (var a in advice)
        {
            string gain = a.GainMs is { } g ? Invariant($"saves ~{Units.Seconds(g)}, {a.MissesAvoided} misses avoided") : "gain not estimated";
            sb.Append("<li><b>").Append(E(a.Title)).Append("</b> <span class=\"muted\">(").Append(E(Units.Lines(a.Lines))).Append("; ").Append(E(gain)).Append(")</span>\n");
            sb.Append("<pre>").Append(E(a.Detail)).Append("</pre>\n<p>Safety: ").Append(E(a.Safety)).Append("<br>Gain: ").Append(E(a.GainBasis)).Append("</p></li>\n");
        }
        sb.Append("</ol>\n");
    }

    private static void Card(StringBuilder sb, string value, string label) =>
        sb.Append("<div class=\"card\"><div class=\"big\">").Append(E(value)).Append("</div><div class=\"muted\">").Append(E(label)).Append("</div></div>\n");

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
