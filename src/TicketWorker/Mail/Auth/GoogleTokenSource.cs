using System.Net;
using System.Text.Json;
using TicketWorker.Configuration;

namespace TicketWorker.Mail.Auth;

/// <summary>
/// Google: trades the stored refresh token for an access token at the token endpoint
/// (RFC 6749 §6, <c>grant_type=refresh_token</c>). The client secret and refresh token are read from
/// their files at every refresh, so a replaced file takes effect without a restart.
/// </summary>
public sealed class GoogleTokenSource(LoadedSettings settings, AuthOptions auth, TimeProvider time) : IAccessTokenSource
{
    public const string DefaultTokenEndpoint = "https://oauth2.googleapis.com/token";
    public const string DefaultScope = "https://mail.google.com/";

    private readonly HttpClient _http = TokenHttp.Create(settings, auth);

    public async Task<AccessToken> FetchAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var endpoint = string.IsNullOrEmpty(auth.TokenEndpoint) ? DefaultTokenEndpoint : auth.TokenEndpoint;
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = auth.ClientId ?? "",
            ["client_secret"] = TokenHttp.ReadSecret(settings, auth.ClientSecretFile, nameof(auth.ClientSecretFile)),
            ["refresh_token"] = TokenHttp.ReadSecret(settings, auth.RefreshTokenFile, nameof(auth.RefreshTokenFile)),
        };
        HttpResponseMessage response;
        string body;
        try
        {
            using var content = new FormUrlEncodedContent(form);
            response = await _http.PostAsync(new Uri(endpoint), content, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new OAuth2TokenException($"Google token endpoint {endpoint} cannot be reached: {e.Message}; retrying with backoff", e);
        }
        using (response)
        {
            var json = TryParse(body);
            if (response.IsSuccessStatusCode && json is { } ok && ok.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value)
            {
                var seconds = ok.TryGetProperty("expires_in", out var e) && e.TryGetInt64(out var s) ? s : 3600;
                return new AccessToken(value, time.GetUtcNow().AddSeconds(seconds));
            }
            var error = json is { } j && j.TryGetProperty("error", out var er) ? er.GetString() : null;
            var description = json is { } d && d.TryGetProperty("error_description", out var de) ? de.GetString() : null;
            var said = $"Google token endpoint refused the refresh ({(int)response.StatusCode} {error ?? response.ReasonPhrase}{(description is null ? "" : ": " + description)})";
            // RFC 6749 §5.2 error codes, and what an admin does about each.
            throw error switch
            {
                "invalid_grant" => new OAuth2TokenException(
                    $"{said}: the refresh token was revoked or expired (consent withdrawn, password changed, unused for six months, or a 'Testing' consent screen's 7-day limit); create a new refresh token with the https://mail.google.com/ scope and write it to {settings.Resolve(auth.RefreshTokenFile!)} (README, 'Google Workspace')") { IsPermanent = true },
                "invalid_client" or "unauthorized_client" => new OAuth2TokenException(
                    $"{said}: check Auth:ClientId and the secret in {settings.Resolve(auth.ClientSecretFile!)} against the OAuth client in the Google Cloud console (APIs & Services, Credentials)") { IsPermanent = true },
                _ when response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new OAuth2TokenException(
                    $"{said}: check the OAuth client and the refresh token (README, 'Google Workspace')") { IsPermanent = true },
                _ => new OAuth2TokenException($"{said}; retrying with backoff"),
            };
        }
    }

    private static JsonElement? TryParse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
