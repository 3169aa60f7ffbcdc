// Temporary until the shared exception types land on the smtp branch (TicketWorker.Mail.Protocol).
global using ConnectionLostException = System.IO.IOException;
global using ProtocolViolationException = System.IO.InvalidDataException;
global using MailCommandException = System.InvalidOperationException;
global using AuthenticationFailedException = System.UnauthorizedAccessException;
