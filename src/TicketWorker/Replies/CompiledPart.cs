using Scriban;

namespace TicketWorker.Replies;

/// <summary>One compiled part (subject, text or html) of a template.</summary>
internal sealed record CompiledPart(string Part, Template Template);
