namespace Build.Parser.Syntax;

/// <summary>The <c>sharing=</c> mode of a cache mount: how concurrent builds may use one cache.</summary>
public enum CacheSharing
{
    Shared,
    Private,
    Locked,
}
