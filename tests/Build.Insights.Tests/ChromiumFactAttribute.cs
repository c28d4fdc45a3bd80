namespace Build.Insights.Tests;

/// <summary>
/// A fact that needs Debian's <c>chromium</c> (installed by .ci/run, so on CI these tests always run).
/// xunit 2.9 has no dynamic skip: the reason is set in the constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists("/usr/bin/chromium"))
            Skip = "needs chromium (apt-get install chromium)";
    }
}
