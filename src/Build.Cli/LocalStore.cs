using Build.Engine.Content;

namespace Build.Cli;

/// <summary>The stores under one builder root, as the commands use them.</summary>
internal sealed record LocalStore(BuilderRoot Root, FileContentStore Content, ImageStore Images)
{
    public static LocalStore Open(BuilderRoot root, TimeProvider time)
    {
        var content = new FileContentStore(root);
        return new LocalStore(root, content, new ImageStore(root, content, time));
    }
}
