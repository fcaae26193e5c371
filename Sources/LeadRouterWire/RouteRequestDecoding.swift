import LeadRouterCore
import NIOCore

/// A `leadrouter.v1.RouteRequest` read without the generated type (see ``ProtobufReader``): every
/// Route call decodes one, and going through generated messages cost about a microsecond.
public struct RouteRequestFields: Sendable {
    public var lead: Lead
    /// Whether the caller asked for the full per-candidate explanation.
    public var explain: Bool

    /// Reads the request; `now` stamps a lead that carries no creation time, and is read only for one
    /// (a clock read per call was 0.5 % of the in-memory server's loop). A malformed request, or one
    /// without a lead id, is an INVALID_ARGUMENT error.
    public init(payload: ByteBuffer, now: @autoclosure () -> Timestamp) throws(RPCError) {
        // Read in place (a message field that occurs twice merges, as protobuf specifies): keeping the
        // draft in an optional copied it out and back, retaining every string read so far.
        var draft = LeadDraft()
        var hasLead = false
        var explain = false
        try ProtobufReader.readMessage(payload, named: "leadrouter.v1.RouteRequest") {
            field, type, reader throws(ProtobufReader.Failure) in
            switch (field, type) {
            case (1, .lengthDelimited):
                var nested = reader.nested(try reader.lengthDelimited())
                try draft.read(&nested)
                hasLead = true
            case (2, .varint): explain = try reader.varint() != 0
            default: return false
            }
            return true
        }
        guard hasLead else { throw RPCError(.invalidArgument, "lead is required") }
        guard !draft.id.isEmpty else { throw RPCError(.invalidArgument, "lead.id is required") }
        guard draft.id.utf8.count <= 256 else { throw RPCError(.invalidArgument, "lead.id is longer than 256 bytes") }
        lead = Lead(
            id: draft.id, createdAt: draft.createdAtMs == 0 ? now() : Timestamp(millis: draft.createdAtMs),
            source: draft.source, country: draft.country, region: draft.region, state: draft.state,
            postalCode: draft.postalCode, industry: draft.industry, employees: draft.employees.map { Int($0) },
            dealSize: draft.dealSize, product: draft.product, score: draft.score, language: draft.language,
            accountID: draft.accountID, email: draft.email, intents: draft.intents, custom: draft.custom)
        self.explain = explain
    }
}

/// A `leadrouter.v1.Lead` as read off the wire, before validation.
private struct LeadDraft {
    var id = ""
    var createdAtMs: Int64 = 0
    var source, country, region, state, postalCode, industry, product, language, accountID, email: String?
    var employees: Int64?
    var dealSize, score: Double?
    var intents: [String] = []
    var custom: [String: String] = [:]

    /// The string fields (the id, the optional attributes, the repeated intents), one bit per number.
    static let textFields: UInt64 = [1, 3, 4, 5, 6, 7, 8, 11, 13, 14, 15, 16].reduce(0) { $0 | 1 << $1 }

    mutating func read(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) {
        try reader.forEachField { field, type, reader throws(ProtobufReader.Failure) in
            switch (field, type) {
            case (2, .varint): createdAtMs = Int64(bitPattern: try reader.varint())
            case (9, .varint): employees = Int64(bitPattern: try reader.varint())
            case (10, .fixed64): dealSize = try reader.double()
            case (12, .fixed64): score = try reader.double()
            case (17, .lengthDelimited):
                let (key, value) = try reader.mapEntry()
                custom[key] = value
            case (_, .lengthDelimited) where field < 64 && Self.textFields & (1 << field) != 0:
                let text = try reader.string()
                switch field {
                case 1: id = text
                case 3: source = text
                case 4: country = text
                case 5: region = text
                case 6: state = text
                case 7: postalCode = text
                case 8: industry = text
                case 11: product = text
                case 13: language = text
                case 14: accountID = text
                case 15: email = text
                default: intents.append(text)
                }
            default: return false
            }
            return true
        }
    }
}
