namespace Build.Engine.Graph;

/// <summary>
/// A metadata-only instruction (ENV, LABEL, EXPOSE, VOLUME, USER, CMD, ENTRYPOINT, SHELL, STOPSIGNAL, HEALTHCHECK,
/// ONBUILD, ARG, MAINTAINER): it changes the image config and writes an <c>empty_layer</c> history entry, never the
/// filesystem. WORKDIR is also a config op but creates its directory (see <see cref="WorkdirOp"/>).
/// Config ops need no cache lookup of their own: their effect on later steps reaches those steps' keys through
/// the resolved fields (env, user, workdir, argv) the frontend wrote into each later op.
/// </summary>
public abstract record ConfigOp : Op
{
    public override bool ChangesFilesystem => false;
}
