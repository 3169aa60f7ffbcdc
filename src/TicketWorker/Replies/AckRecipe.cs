using System.Text.Json;
using System.Text.Json.Serialization;
using TicketWorker.Escalation;

namespace TicketWorker.Replies;

/// <summary>
/// What an acknowledgement queued by intake is written from when it is sent (the outbox row's recipe):
/// decided at intake (recipient, template, reply address, the estimate promised and stored on the ticket);
/// the customer's subject and text are read from the stored message when it is composed.
/// </summary>
/// <param name="Message">The customer's message (Message-ID without angle brackets).</param>
/// <param name="To">The address answered (Reply-To, else From) and the name shown.</param>
/// <param name="Template">The template a rule chose, else rules.yaml's ack.template.</param>
/// <param name="ReplyTo">The ticket's reply-token address.</param>
/// <param name="ContentLanguage">The customer's Content-Language header; <paramref name="Language"/> the ticket's detected language.</param>
public sealed record AckRecipe(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("to_name")] string? ToName,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("reply_to")] string ReplyTo,
    [property: JsonPropertyName("content_language")] string? ContentLanguage,
    [property: JsonPropertyName("language")] string? Language,
    [property: JsonPropertyName("estimate")] ResolutionEstimate? Estimate)
{
    /// <summary>The recipe as stored in the outbox row.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, AckRecipeJson.Default.AckRecipe);

    /// <summary>The stored recipe; null when it is missing or unreadable.</summary>
    public static AckRecipe? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var recipe = JsonSerializer.Deserialize(json, AckRecipeJson.Default.AckRecipe);
            return recipe is { Message.Length: > 0, To.Length: > 0, Template.Length: > 0, ReplyTo.Length: > 0 } ? recipe : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(AckRecipe))]
internal sealed partial class AckRecipeJson : JsonSerializerContext
{
}
