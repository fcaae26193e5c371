/// The protocol version a connection's HELLO must carry.
public enum ProtocolVersion {
    public static let current: UInt32 = 1
}
