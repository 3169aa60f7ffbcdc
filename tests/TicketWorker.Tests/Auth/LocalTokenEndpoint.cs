using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace TicketWorker.Tests.Auth;

/// <summary>
/// A small OAuth2 authorization server on 127.0.0.1 over HTTPS (a self-signed certificate whose PEM
/// is <see cref="CertificatePem"/>): enough of OpenID discovery and the token endpoint for MSAL's
/// client-credentials grant and Google's refresh-token grant. It answers with what <see cref="Respond"/>
/// returns; by default it mints the HS256 JWTs the test Dovecot accepts (<see cref="Infrastructure.MailStack.CreateAccessToken"/>)
/// for the user <see cref="UserFor"/> maps the client id to.
/// </summary>
public sealed class LocalTokenEndpoint : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalTokenEndpoint()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        CertificatePem = created.ExportCertificatePem();
        Respond = DefaultRespond;
        UserFor = form => form.TryGetValue("refresh_token", out var refresh) && refresh.StartsWith("refresh-", StringComparison.Ordinal)
            ? refresh["refresh-".Length..]
            : Clients.GetValueOrDefault(form.GetValueOrDefault("client_id", ""), "nobody");
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>https://127.0.0.1:PORT</summary>
    public string BaseUrl => $"https://127.0.0.1:{Port}";

    /// <summary>The server certificate in PEM, for <c>Auth:TrustedCertificate</c>.</summary>
    public string CertificatePem { get; }

    /// <summary>Every token request: its path and form fields.</summary>
    public ConcurrentQueue<(string Path, IReadOnlyDictionary<string, string> Form)> TokenRequests { get; } = new();

    /// <summary>Which mailbox a token request stands for: by default "refresh-USER" as refresh token, else the client id mapped by <see cref="Clients"/>.</summary>
    public Func<IReadOnlyDictionary<string, string>, string> UserFor { get; set; }

    /// <summary>Client id → user for the client-credentials grant.</summary>
    public Dictionary<string, string> Clients { get; } = new(StringComparer.Ordinal);

    /// <summary>Lifetime of minted tokens.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The answer to a token request (status and JSON body); by default a minted token. Paths containing "/fail" get invalid_grant.</summary>
    public Func<string, IReadOnlyDictionary<string, string>, (HttpStatusCode Status, string Json)> Respond { get; set; }

    /// <summary>Token requests to paths that contain <paramref name="fragment"/>.</summary>
    public int Requests(string fragment) => TokenRequests.Count(r => r.Path.Contains(fragment, StringComparison.Ordinal));

    public (HttpStatusCode, string) Mint(IReadOnlyDictionary<string, string> form)
    {
        var user = UserFor(form);
        var token = Infrastructure.MailStack.CreateAccessToken(user, Lifetime);
        return (HttpStatusCode.OK, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)Lifetime.TotalSeconds,
            ["ext_expires_in"] = (long)Lifetime.TotalSeconds,
        }));
    }

    private (HttpStatusCode, string) DefaultRespond(string path, IReadOnlyDictionary<string, string> form) =>
        path.Contains("/fail", StringComparison.Ordinal)
            ? (HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"Token has been expired or revoked."}""")
            : Mint(form);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var ssl = new SslStream(client.GetStream());
            await ssl.AuthenticateAsServerAsync(_certificate);
            while (await ReadRequestAsync(ssl) is { } request)
            {
                var (status, json) = Answer(request.Method, request.Path, request.Body);
                var body = Encoding.UTF8.GetBytes(json);
                var head = $"HTTP/1.1 {(int)status} {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\n\r\n";
                await ssl.WriteAsync(Encoding.ASCII.GetBytes(head));
                await ssl.WriteAsync(body);
                await ssl.FlushAsync();
            }
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private (HttpStatusCode, string) Answer(string method, string path, string body)
    {
        var bare = path.Split('?', 2)[0];
        if (method == "GET" && bare.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            var root = BaseUrl + bare[..^"/.well-known/openid-configuration".Length].Replace("/v2.0", "", StringComparison.Ordinal);
            return (HttpStatusCode.OK, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = root + "/v2.0",
                ["token_endpoint"] = root + "/oauth2/v2.0/token",
                ["authorization_endpoint"] = root + "/oauth2/v2.0/authorize",
                ["jwks_uri"] = root + "/discovery/v2.0/keys",
            }));
        }
        if (method == "POST" && bare.EndsWith("/token", StringComparison.Ordinal))
        {
            var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : ""));
            TokenRequests.Enqueue((bare, form));
            return Respond(bare, form);
        }
        return (HttpStatusCode.NotFound, """{"error":"not_found"}""");
    }

    private static async Task<(string Method, string Path, string Body)?> ReadRequestAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0) return null;
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return (requestLine[0], requestLine[1], Encoding.UTF8.GetString(body));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _certificate.Dispose();
        _stop.Dispose();
    }
}
