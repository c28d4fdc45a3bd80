using Build.Engine.Errors;
using Build.Engine.Solving;

namespace Build.Engine.Tests.Solving;

public sealed class ChmodSpecTests
{
    [Theory]
    [InlineData("755", 0x1A4, false, 0x1ED)]       // octal replaces: 644 -> 755
    [InlineData("0640", 0x1ED, true, 0x1A0)]       // also for directories
    [InlineData("+x", 0x1A4, false, 0x1ED)]        // no who means all: 644 -> 755
    [InlineData("go-r", 0x1A4, false, 0x180)]      // 644 -> 600
    [InlineData("u=rwX,go=rX", 0x1A4, false, 0x1A4)] // X: not for a non-executable file
    [InlineData("u=rwX,go=rX", 0x1C0, false, 0x1ED)] // X: for a file executable by someone (700 -> 755)
    [InlineData("u=rwX,go=rX", 0x1C0, true, 0x1ED)]  // X: for a directory
    [InlineData("g=u", 0x1A0, false, 0x1B0)]       // copy the owner's bits: 640 -> 660
    [InlineData("u+s,o+t", 0x1ED, true, 0xBED)]    // setuid and sticky: 755 -> 4755 | 1000
    [InlineData("a=", 0x1FF, false, 0)]            // '=' with no perms clears
    [InlineData("u=rw,g=r,o=", 0x1FF, false, 0x1A0)]
    public void Applies_like_chmod(string spec, int mode, bool directory, int expected) =>
        Assert.Equal(expected, ChmodSpec.Parse(spec).Apply(mode, directory));

    [Theory]
    [InlineData("8")]
    [InlineData("17777")]
    [InlineData("u")]
    [InlineData("u*x")]
    [InlineData("z+x")]
    public void Rejects_what_is_neither_octal_nor_symbolic(string spec)
    {
        var e = Assert.Throws<BuildException>(() => ChmodSpec.Parse(spec));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains(spec, e.Message, StringComparison.Ordinal);
    }
}
