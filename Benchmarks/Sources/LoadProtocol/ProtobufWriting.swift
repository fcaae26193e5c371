import NIOCore

/// Just enough of the protobuf encoding to write the load generator's few request shapes straight into
/// a send buffer: the client must not be what limits a benchmark of servers on a shared 2-core machine.
extension ByteBuffer {
    public mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        writeInteger(UInt8(value))
    }

    /// A length-delimited field (wire type 2): strings, bytes and embedded messages.
    public mutating func writeField(_ number: UInt64, bytes: some Collection<UInt8>) {
        writeVarint(number << 3 | 2)
        writeVarint(UInt64(bytes.count))
        writeBytes(bytes)
    }

    public mutating func writeField(_ number: UInt64, string: String) {
        writeField(number, bytes: string.utf8)
    }

    /// A varint field (wire type 0).
    public mutating func writeField(_ number: UInt64, varint: UInt64) {
        writeVarint(number << 3)
        writeVarint(varint)
    }

    /// A length-delimited field whose contents `body` writes; the length is patched in afterwards
    /// (one byte is reserved, so bodies up to 127 bytes need no move).
    public mutating func writeField(_ number: UInt64, message body: (inout ByteBuffer) -> Void) {
        writeVarint(number << 3 | 2)
        let lengthIndex = writerIndex
        writeInteger(UInt8(0))
        let start = writerIndex
        body(&self)
        let length = writerIndex - start
        if length < 0x80 {
            setInteger(UInt8(length), at: lengthIndex)
        } else {
            // Rare: shift the body right to make room for a longer varint.
            var lengthBytes = ByteBuffer()
            lengthBytes.writeVarint(UInt64(length))
            let body = getBytes(at: start, length: length)!
            moveWriterIndex(to: lengthIndex)
            writeBuffer(&lengthBytes)
            writeBytes(body)
        }
    }
}
