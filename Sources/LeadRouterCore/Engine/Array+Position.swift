extension Array<Int32> {
    /// Where `value` first is, compared eight at a time: round-robin looks its cursor up among a pool's
    /// members on every pick, and an offer finds its rep among them, where `firstIndex(of:)` compared
    /// one element per step.
    func position(of value: Int32) -> Int? {
        withUnsafeBufferPointer { buffer in
            let wanted = SIMD8<Int32>(repeating: value)
            var start = 0
            while start + 8 <= buffer.count {
                let lanes = UnsafeRawPointer(buffer.baseAddress! + start).loadUnaligned(as: SIMD8<Int32>.self)
                let found = lanes .== wanted
                if any(found) {
                    for lane in 0..<8 where found[lane] { return start + lane }
                }
                start += 8
            }
            return (start..<buffer.count).first { buffer[$0] == value }
        }
    }
}
