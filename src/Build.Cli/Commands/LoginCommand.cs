using Build.Engine.Content;
using System.CommandLine;
using System.Text;
using Build.Engine.Errors;
using Build.Engine.Registry;

namespace Build.Cli.Commands;

/// <summary><c>builder login [-u USER] [-p PASS | --password-stdin] [REGISTRY]</c>, like <c>docker login</c>.</summary>
internal static class LoginCommand
{
    internal static Command Create()
    {
        var registryArg = new Argument<string?>("registry") { Description = "Registry host[:port] (default docker.io)", Arity = ArgumentArity.ZeroOrOne };
        var user = new Option<string?>("--username", "-u") { Description = "Username" };
        var password = new Option<string?>("--password", "-p") { Description = "Password (prefer --password-stdin: command lines are visible to other users)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input" };
        var insecure = RegistryCommandOptions.InsecureRegistry();
        var config = RegistryCommandOptions.Config();
        var command = new Command("login", "Log in to a registry: verify the credentials, then store them in the docker client config");
        command.Arguments.Add(registryArg);
        command.Options.Add(user);
        command.Options.Add(password);
        command.Options.Add(passwordStdin);
        command.Options.Add(insecure);
        command.Options.Add(config);
        command.SetAction(async (parse, ct) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            string registry = NormalizeRegistryArgument(parse.GetValue(registryArg));
            string? username = parse.GetValue(user);
            string? secret = parse.GetValue(password);
            if (parse.GetValue(passwordStdin))
            {
                if (secret is not null)
                    throw new BuildException(ErrorCode.InvalidArgument, "--password and --password-stdin are mutually exclusive");
                if (username is null)
                    throw new BuildException(ErrorCode.InvalidArgument, "--password-stdin needs --username");
                secret = (await Console.In.ReadToEndAsync(ct).ConfigureAwait(false)).TrimEnd('\r', '\n');
            }
            else if (secret is not null)
            {
                stderr.WriteLine("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
            }
            if (username is null)
            {
                if (Console.IsInputRedirected)
                    throw new BuildException(ErrorCode.InvalidArgument, "login needs --username when standard input is not a terminal");
                stdout.Write("Username: ");
                username = Console.ReadLine()?.Trim();
            }
            if (secret is null)
            {
                if (Console.IsInputRedirected)
                    throw new BuildException(ErrorCode.InvalidArgument, "login needs --password-stdin or --password when standard input is not a terminal");
                stdout.Write("Password: ");
                secret = ReadHidden();
                stdout.WriteLine();
            }
            if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(secret))
                throw new BuildException(ErrorCode.InvalidArgument, "login needs a non-empty username and password");

            var credential = new RegistryCredential(username, secret);
            using (var client = RegistryCommandOptions.CreateClient(parse, insecure, config, stderr))
                await client.VerifyCredentialAsync(registry, credential, ct).ConfigureAwait(false);
            var file = RegistryCommandOptions.ConfigFile(parse.GetValue(config));
            await file.SaveAsync(registry, credential, ct).ConfigureAwait(false);
            stdout.WriteLine($"Credentials saved in {file.Path}");
            stdout.WriteLine("Login Succeeded");
            return 0;
        });
        return command;
    }

    /// <summary>"docker.io", "index.docker.io", "https://host:5000/v2/" all name a registry; keep host[:port].</summary>
    internal static string NormalizeRegistryArgument(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return ImageReference.DockerHub;
        string host = DockerConfigFile.NormalizeRegistry(text);
        if (!ImageReference.TryParse(host + "/x", out var probe) || probe.Registry != host)
            throw new BuildException(ErrorCode.InvalidArgument, $"invalid registry \"{text}\": expected host[:port]");
        return host;
    }

    private static string ReadHidden()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
                return sb.ToString();
            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0)
                    sb.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                sb.Append(key.KeyChar);
            }
        }
    }
}
