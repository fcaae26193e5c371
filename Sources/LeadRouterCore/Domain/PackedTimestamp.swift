/// An optional timestamp in eight bytes: `Timestamp?` takes sixteen once aligned, and an assignment
/// record keeps four of them for every lead routed.
///
/// `Int64.min` stands for none: the engine's clock makes every timestamp a record holds (offers,
/// acceptances, completions and their deadlines), and no clock reads 292 million years BC.
struct PackedTimestamp: Hashable, Sendable {
    private var millis: Int64

    init(_ timestamp: Timestamp?) { millis = timestamp?.millis ?? .min }

    var value: Timestamp? { millis == .min ? nil : Timestamp(millis: millis) }
}
