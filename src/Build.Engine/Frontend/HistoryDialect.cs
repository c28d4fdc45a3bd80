namespace Build.Engine.Frontend;

/// <summary>
/// Which BuildKit's history text (<c>created_by</c>) to write. They differ only in that text, never in the
/// image's filesystem or config; measured against docker 20.10.24 on this machine (see docs/graph.md).
/// </summary>
public enum HistoryDialect
{
    /// <summary>Current BuildKit (docker 23+/buildx): ARG values, COPY --chown/--chmod, EXPOSE and HEALTHCHECK as lists/fields.</summary>
    BuildKit = 0,

    /// <summary>
    /// BuildKit 0.8 as bundled with docker 20.10: <c>ARG</c> shows only the written default, RUN's <c>|N</c> prefix lists
    /// only the ARGs of the current stage, COPY omits <c>--chown</c>/<c>--chmod</c>, EXPOSE prints a Go map and
    /// HEALTHCHECK a <c>%q</c> of the config struct.
    /// </summary>
    Docker20 = 1,
}
