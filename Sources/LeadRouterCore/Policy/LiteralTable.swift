/// The text literals one lead field's tests compare against, numbered in the order first seen.
///
/// A route looks each tested field's value up here. Through `[String: Int32]` every lookup hashed
/// the value with SipHash (about 330 instructions for a short value; two lookups a route in the
/// benchmark's policy). ASCII text, which is what codes, sources and industries are, is looked up
/// in an open-addressing table under FNV-1a instead. For ASCII, equal strings are equal bytes, so
/// hashing bytes agrees with `String` equality; anything else goes through the dictionary, where
/// canonically equivalent spellings of the same text still meet. (A few non-ASCII characters are
/// canonically equal to ASCII ones, the Kelvin sign to "K" for one, so an ASCII value that misses
/// the table is looked up in the dictionary too whenever a literal is not ASCII.)
struct LiteralTable: Sendable {
    /// Every literal and its number: the truth, and the lookup for text that is not ASCII.
    private var numbers: [String: Int32] = [:]
    /// The ASCII literals by FNV-1a hash, linear probing, at most half full; `nil` marks a free slot.
    private var slots: [(text: String, number: Int32)?] = []
    /// Whether some literal is not ASCII (and so only in `numbers`).
    private var hasOtherText = false

    var count: Int { numbers.count }
    var isEmpty: Bool { numbers.isEmpty }

    /// The number of `text`, assigned (the next one) on first sight.
    mutating func number(assigning text: String) -> Int32 {
        if let number = numbers[text] { return number }
        let number = Int32(numbers.count)
        numbers[text] = number
        if let hash = Self.asciiHash(text) {
            if 2 * (count + 1) > slots.count { grow() }
            place(text, number, hash: hash)
        } else {
            hasOtherText = true
        }
        return number
    }

    /// The number of `text`, if it is one of the literals.
    func number(of text: String) -> Int32? {
        guard let hash = Self.asciiHash(text), !slots.isEmpty else { return numbers[text] }
        let mask = slots.count - 1
        var position = hash & mask
        while let slot = slots[position] {
            if slot.text == text { return slot.number }
            position = (position + 1) & mask
        }
        return hasOtherText ? numbers[text] : nil
    }

    private mutating func grow() {
        let ascii = slots.compactMap { $0 }
        slots = Array(repeating: nil, count: max(8, slots.count * 2))
        for slot in ascii { place(slot.text, slot.number, hash: Self.asciiHash(slot.text)!) }
    }

    private mutating func place(_ text: String, _ number: Int32, hash: Int) {
        let mask = slots.count - 1
        var position = hash & mask
        while slots[position] != nil { position = (position + 1) & mask }
        slots[position] = (text, number)
    }

    /// FNV-1a over the text's bytes; `nil` when a byte is not ASCII (or the text is not stored as
    /// contiguous UTF-8, which native strings always are).
    private static func asciiHash(_ text: String) -> Int? {
        let hash = text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var high: UInt8 = 0
            for byte in bytes {
                high |= byte
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            // The low bits pick the slot: fold the high ones in, where FNV-1a mixes best.
            return high < 0x80 ? Int(truncatingIfNeeded: hash ^ (hash >> 32)) : nil
        }
        return hash ?? nil
    }
}
