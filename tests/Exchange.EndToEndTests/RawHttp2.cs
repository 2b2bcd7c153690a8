using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.EndToEndTests;

/// <summary>
/// The server as an integrator without the client library sees it: plain HTTP/2 requests to the token
/// endpoint and to gRPC paths, with exactly the bytes and headers a test chooses.
/// </summary>
internal sealed class RawHttp2(Uri address, Func<HttpMessageHandler>? handler = null) : IDisposable
{
    private readonly HttpClient http = new(handler?.Invoke() ?? new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };

    public Uri Address { get; } = address;

    public sealed record TokenResponse(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers)
    {
        public string? Error => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error", out var e) ? e.GetString() : null;

        public string? Description => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error_description", out var e) ? e.GetString() : null;

        public string? AccessToken => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("access_token", out var t) ? t.GetString() : null;
    }

    /// <summary>Posts a form to the token endpoint (at <paramref name="path"/>, however an integrator spells it).</summary>
    public async Task<TokenResponse> TokenAsync(IEnumerable<KeyValuePair<string, string>> form, string? host = null, string path = "/connect/token", string? basic = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, path))
        {
            Content = new FormUrlEncodedContent(form),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        if (basic is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var body = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new TokenResponse(response.StatusCode, body, response.Headers);
    }

    /// <summary>A GET over HTTP/2, as a load balancer's health probe makes it.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Address, path)) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public Task<TokenResponse> SecretAsync(string clientId, string secret) =>
        TokenAsync([new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]);

    public Task<TokenResponse> AssertionAsync(string clientId, string assertion) =>
        TokenAsync([
            new("grant_type", "client_credentials"), new("client_id", clientId),
            new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), new("client_assertion", assertion),
        ]);

    /// <summary>A gRPC call with a raw body; returns the grpc-status (from the headers of a trailers-only response, or the trailers).</summary>
    public async Task<(int Status, string? Message)> GrpcAsync(string pathAndQuery, byte[] message, string? bearer = null, CancellationToken cancellationToken = default) =>
        await GrpcAsync(pathAndQuery, new ByteArrayContent(Frame(message)), bearer, cancellationToken: cancellationToken);

    public async Task<(int Status, string? Message)> GrpcAsync(string pathAndQuery, HttpContent body, string? bearer = null, string? encoding = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, pathAndQuery))
        {
            Content = body,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (Header(response.Headers, "grpc-status") is { } early)
        {
            return (int.Parse(early, System.Globalization.CultureInfo.InvariantCulture), Header(response.Headers, "grpc-message"));
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (-(int)response.StatusCode, null);
        }
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
        var status = Header(response.TrailingHeaders, "grpc-status") ?? throw new InvalidOperationException("No grpc-status in headers or trailers.");
        return (int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Header(response.TrailingHeaders, "grpc-message"));
    }

    private static string? Header(HttpHeaders headers, string name) => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>A gRPC length-prefixed message: the compressed flag, 4-byte big-endian length, the bytes.</summary>
    public static byte[] Frame(byte[] message, byte compressed = 0)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressed;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    public void Dispose() => http.Dispose();
}

/// <summary>Client assertions (private_key_jwt) with exactly the claims a test wants.</summary>
internal static class ClientAssertions
{
    /// <summary>A well-formed assertion signed with the credential's key; <paramref name="edit"/> changes or removes claims.</summary>
    public static string Create(CredentialFile credential, Uri audience, Action<Dictionary<string, object>>? edit = null, string? keyId = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = credential.ClientId,
            ["sub"] = credential.ClientId,
            ["aud"] = audience.ToString(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(2).ToUnixTimeSeconds(),
        };
        edit?.Invoke(claims);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(credential.PrivateKeyPem);
        var key = new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = keyId ?? credential.KeyId };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(),
            Claims = claims,
            TokenType = "client-authentication+jwt",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }
}
