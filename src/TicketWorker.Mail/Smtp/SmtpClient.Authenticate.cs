using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Smtp;

public sealed partial class SmtpClient
{
    // A mechanism that keeps answering challenges forever is broken; PLAIN/LOGIN/XOAUTH2 need ≤ 2.
    private const int MaxSaslSteps = 8;

    /// <summary>
    /// Authenticates with SMTP AUTH (RFC 4954) using the given SASL mechanism; throws
    /// <see cref="AuthenticationFailedException"/> when the server refuses (535 wrong credentials,
    /// 454 temporary) or does not offer the mechanism.
    /// </summary>
    public async Task AuthenticateAsync(SaslMechanism mechanism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        using var _ = Enter();
        RequireConnection();
        if (IsAuthenticated)
        {
            throw new InvalidOperationException("The client is already authenticated (RFC 4954 §4 allows AUTH once).");
        }

        var name = mechanism.Name;
        if (!Capabilities.HasFlag(SmtpCapabilities.Authentication))
        {
            throw new AuthenticationFailedException(
                name,
                "The server does not offer AUTH on this connection" + (IsSecure ? "." : " (many servers offer it only after STARTTLS)."));
        }

        if (!_mechanisms.Contains(name))
        {
            throw new AuthenticationFailedException(name, $"The server does not offer {name}; it offers {string.Join(", ", _mechanisms.Order())}.");
        }

        if (!IsSecure && mechanism.SendsSecretInClear && !AllowAuthenticationWithoutTls)
        {
            throw new InvalidOperationException(
                $"{name} would send the secret over a connection without TLS; use StartTls or SslOnConnect "
                + "(or set AllowAuthenticationWithoutTls for a loopback test server).");
        }

        mechanism.Reset();
        var command = "AUTH " + name;
        var logText = command;
        if (mechanism.HasInitialResponse)
        {
            // RFC 4954 §4: an empty initial response is sent as "=".
            var initial = mechanism.Respond([]);
            command += " " + (initial.Length == 0 ? "=" : Convert.ToBase64String(initial));
            logText += " ********";
        }

        var reply = await CommandAsync(command, cancellationToken, logText).ConfigureAwait(false);
        for (var step = 0; reply.Code == 334; step++)
        {
            byte[] challenge;
            try
            {
                challenge = step < MaxSaslSteps ? Convert.FromBase64String(reply.Text.Trim()) : throw new FormatException("too many steps");
            }
            catch (FormatException)
            {
                // RFC 4954 §4: "*" cancels the exchange; the server answers 501.
                await CommandAsync("*", cancellationToken).ConfigureAwait(false);
                throw new AuthenticationFailedException(name, $"The server sent an invalid SASL challenge: \"{reply.Text}\".", statusCode: reply.Code);
            }

            var response = mechanism.Respond(challenge);
            reply = await CommandAsync(Convert.ToBase64String(response), cancellationToken, "********").ConfigureAwait(false);
        }

        if (reply.Code == 235)
        {
            IsAuthenticated = true;
            return;
        }

        var text = reply.Text;
        var serverError = mechanism switch
        {
            SaslXOAuth2 xoauth2 => xoauth2.ServerError,
            SaslOAuthBearer bearer => bearer.ServerError,
            _ => null,
        };
        if (serverError is not null)
        {
            text += " (" + serverError + ")";
        }

        if (reply.Code == 421)
        {
            throw Refused("AUTH", reply);
        }

        throw new AuthenticationFailedException(name, text, reply.IsTransientFailure, reply.Code, reply.EnhancedStatusCode);
    }
}
