namespace TicketWorker.Replies;

/// <summary>One part of a template file and where it starts (1-based), to map errors back to the file.</summary>
internal sealed record TemplateSection(string Part, string Source, int Line, int Column);
