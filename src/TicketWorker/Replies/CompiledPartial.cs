using Scriban;

namespace TicketWorker.Replies;

/// <summary>A partial file with its text and HTML sections compiled (null where the section has errors).</summary>
internal sealed record CompiledPartial(TemplateFile File, Template? Text, Template? Html);
