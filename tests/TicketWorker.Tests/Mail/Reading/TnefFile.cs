using System.Buffers.Binary;
using System.Text;

namespace TicketWorker.Tests.Mail.Reading;

/// <summary>
/// Writes a small winmail.dat (MS-OXTNEF §2.1): the signature, a key, then attributes of
/// level, tag, length, data and checksum. Enough of the legacy attributes for a reader to find
/// a plain-text body and attached files.
/// </summary>
internal static class TnefFile
{
    private const uint Signature = 0x223E9F78;
    private const byte MessageLevel = 1, AttachmentLevel = 2;
    private const uint TnefVersion = 0x00089006, OemCodepage = 0x00069007, Body = 0x0002800C;
    private const uint AttachRenddata = 0x00069002, AttachTitle = 0x00018010, AttachData = 0x0006800F;

    public static byte[] Build(string body, params (string Name, byte[] Content)[] files)
    {
        using var output = new MemoryStream();
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(u32, Signature);
        output.Write(u32);
        output.Write([0x01, 0x00]);
        Attribute(output, MessageLevel, TnefVersion, [0x00, 0x00, 0x01, 0x00]);
        Attribute(output, MessageLevel, OemCodepage, [0xE4, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
        Attribute(output, MessageLevel, Body, [.. Encoding.ASCII.GetBytes(body), 0]);
        foreach (var (name, content) in files)
        {
            // attRenddata starts an attachment: type 1 (file), no position, no size, no flags.
            Attribute(output, AttachmentLevel, AttachRenddata, [0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00]);
            Attribute(output, AttachmentLevel, AttachTitle, [.. Encoding.ASCII.GetBytes(name), 0]);
            Attribute(output, AttachmentLevel, AttachData, content);
        }
        return output.ToArray();
    }

    private static void Attribute(Stream output, byte level, uint tag, byte[] data)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = level;
        BinaryPrimitives.WriteUInt32LittleEndian(header[1..], tag);
        BinaryPrimitives.WriteUInt32LittleEndian(header[5..], (uint)data.Length);
        output.Write(header);
        output.Write(data);
        ushort checksum = 0;
        foreach (var b in data) checksum += b;
        Span<byte> sum = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(sum, checksum);
        output.Write(sum);
    }
}
