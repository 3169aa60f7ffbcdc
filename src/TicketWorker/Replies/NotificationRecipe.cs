using System.Text.Json;
using System.Text.Json.Serialization;

namespace TicketWorker.Replies;

/// <summary>
/// What a notification queued by intake is written from when it is sent (the outbox row's recipe): the
/// customer's message, the agent and the address they answer to. Everything else (the ticket's facts, the
/// customer's new text and attachments) is read from the store at that moment.
/// </summary>
/// <param name="Message">The customer's message (Message-ID without angle brackets).</param>
/// <param name="AgentName">The agent's name and language when queued, used when rules.yaml no longer has them.</param>
/// <param name="ReplyTo">The agent's own reply address for the ticket (their token).</param>
/// <param name="FollowUp">The message was appended to an existing ticket (else it opened it).</param>
/// <param name="Attach">The message has attachments to forward (read again from its raw bytes when composed).</param>
public sealed record NotificationRecipe(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("agent")] string Agent,
    [property: JsonPropertyName("agent_name")] string AgentName,
    [property: JsonPropertyName("language")] string? Language,
    [property: JsonPropertyName("reply_to")] string ReplyTo,
    [property: JsonPropertyName("follow_up")] bool FollowUp,
    [property: JsonPropertyName("attach")] bool Attach)
{
    /// <summary>The recipe as stored in the outbox row.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, NotificationRecipeJson.Default.NotificationRecipe);

    /// <summary>The stored recipe; null when it is missing or unreadable.</summary>
    public static NotificationRecipe? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var recipe = JsonSerializer.Deserialize(json, NotificationRecipeJson.Default.NotificationRecipe);
            return recipe is { Message.Length: > 0, Agent.Length: > 0, ReplyTo.Length: > 0 } ? recipe : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(NotificationRecipe))]
internal sealed partial class NotificationRecipeJson : JsonSerializerContext
{
}
