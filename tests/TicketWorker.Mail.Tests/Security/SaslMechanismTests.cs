using System.Text;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Tests.Security;

public class SaslMechanismTests
{
    [Test]
    public void PlainSendsAuthorizationIdUserAndPasswordSeparatedByNul()
    {
        var plain = new SaslPlain("agent1@example.test", "pässword", "support@example.test");

        var response = plain.Respond([]);

        Assert.That(Encoding.UTF8.GetString(response), Is.EqualTo("support@example.test\0agent1@example.test\0pässword"));
        Assert.That(plain.IsComplete, Is.True);
        Assert.That(plain.HasInitialResponse, Is.True);
    }

    [Test]
    public void PlainRefusesCredentialsContainingNul()
    {
        Assert.That(() => new SaslPlain("a\0b", "x"), Throws.ArgumentException);
    }

    [Test]
    public void LoginAnswersUserNameThenPasswordWhateverTheChallengeText()
    {
        var login = new SaslLogin("agent1@example.test", "secret");

        var first = login.Respond("VXNlcm5hbWU6"u8);
        Assert.That(login.IsComplete, Is.False);
        var second = login.Respond("anything"u8);

        Assert.That(Encoding.UTF8.GetString(first), Is.EqualTo("agent1@example.test"));
        Assert.That(Encoding.UTF8.GetString(second), Is.EqualTo("secret"));
        Assert.That(login.IsComplete, Is.True);
        Assert.That(login.HasInitialResponse, Is.False);
    }

    [Test]
    public void LoginStartsOverAfterReset()
    {
        var login = new SaslLogin("agent1@example.test", "secret");
        login.Respond([]);
        login.Respond([]);

        login.Reset();

        Assert.That(Encoding.UTF8.GetString(login.Respond([])), Is.EqualTo("agent1@example.test"));
    }

    [Test]
    public void XOAuth2SendsUserAndBearerTokenWithControlASeparators()
    {
        var xoauth2 = new SaslXOAuth2("agent1@example.test", "tok.en");

        var response = xoauth2.Respond([]);

        Assert.That(Encoding.UTF8.GetString(response), Is.EqualTo("user=agent1@example.test\u0001auth=Bearer tok.en\u0001\u0001"));
    }

    [Test]
    public void XOAuth2AnswersTheErrorChallengeWithAnEmptyResponseAndKeepsTheError()
    {
        var xoauth2 = new SaslXOAuth2("agent1@example.test", "token");
        xoauth2.Respond([]);

        var answer = xoauth2.Respond("""{"status":"401"}"""u8);

        Assert.That(answer, Is.Empty);
        Assert.That(xoauth2.ServerError, Is.EqualTo("""{"status":"401"}"""));
    }

    [Test]
    public void OAuthBearerSendsAGs2HeaderWithTheEscapedUserAndTheToken()
    {
        var bearer = new SaslOAuthBearer("a,b=c@example.test", "tok");

        var response = bearer.Respond([]);

        Assert.That(Encoding.UTF8.GetString(response), Is.EqualTo("n,a=a=2Cb=3Dc@example.test,\u0001auth=Bearer tok\u0001\u0001"));
    }

    [Test]
    public void OAuthBearerAnswersTheErrorChallengeWithControlA()
    {
        var bearer = new SaslOAuthBearer("agent1@example.test", "tok");
        bearer.Respond([]);

        var answer = bearer.Respond("""{"status":"invalid_token"}"""u8);

        Assert.That(answer, Is.EqualTo(new byte[] { 1 }));
        Assert.That(bearer.ServerError, Does.Contain("invalid_token"));
    }

    [Test]
    public void ToStringNamesMechanismAndUserButNeverTheSecret()
    {
        SaslMechanism[] mechanisms =
        [
            new SaslPlain("agent1@example.test", "hunter2"),
            new SaslLogin("agent1@example.test", "hunter2"),
            new SaslXOAuth2("agent1@example.test", "hunter2"),
            new SaslOAuthBearer("agent1@example.test", "hunter2"),
        ];

        foreach (var mechanism in mechanisms)
        {
            Assert.That(mechanism.ToString(), Does.Contain("agent1@example.test").And.Contain(mechanism.Name).And.Not.Contain("hunter2"));
        }
    }
}
