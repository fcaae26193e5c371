import Foundation
import LeadRouterCore

/// How events and snapshots are stored: JSON of the Core types (readable with `sqlite3` when
/// investigating an incident), plus an FNV-1a checksum on snapshots.
enum EventCodec {
    static func encode(_ event: EngineEvent) throws -> Data {
        try JSONEncoder().encode(event)
    }

    static func decodeEvent(_ data: Data) throws -> EngineEvent {
        try JSONDecoder().decode(EngineEvent.self, from: data)
    }

    static func encode(_ snapshot: EngineSnapshot) throws -> Data {
        try JSONEncoder().encode(snapshot)
    }

    static func decodeSnapshot(_ data: Data) throws -> EngineSnapshot {
        try JSONDecoder().decode(EngineSnapshot.self, from: data)
    }

    static func checksum(_ data: Data) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
