namespace Build.Engine.Registry;

/// <summary>
/// A username/password pair or an OAuth2 identity (refresh) token for one registry. A class rather
/// than a record on purpose: a record's generated <c>ToString</c>/<c>PrintMembers</c> would print the
/// secret into any log line or exception message that formats it.
/// </summary>
public sealed class RegistryCredential : IEquatable<RegistryCredential>
{
    public RegistryCredential(string username, string password, string? identityToken = null)
    {
        Username = username;
        Password = password;
        IdentityToken = string.IsNullOrEmpty(identityToken) ? null : identityToken;
    }

    public string Username { get; }

    public string Password { get; }

    /// <summary>The refresh token docker stores as <c>identitytoken</c> after an OAuth2 login.</summary>
    public string? IdentityToken { get; }

    /// <summary>The value of a Basic <c>Authorization</c> header.</summary>
    internal string BasicParameter => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Username + ":" + Password));

    public override string ToString() => $"RegistryCredential(user {Username}, secret redacted)";

    public bool Equals(RegistryCredential? other) =>
        other is not null && Username == other.Username && Password == other.Password && IdentityToken == other.IdentityToken;

    public override bool Equals(object? obj) => Equals(obj as RegistryCredential);

    public override int GetHashCode() => HashCode.Combine(Username, Password, IdentityToken);
}
