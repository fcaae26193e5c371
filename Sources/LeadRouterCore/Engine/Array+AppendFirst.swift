extension Array {
    /// `append`, except that into an empty array the element goes as a one-element literal, which
    /// allocates its buffer directly: appending to an empty array takes the generic growth path
    /// (`_consumeAndCreateNew`), about 120 instructions more. For the lists a route fills with one
    /// element nearly every time (a command's events).
    mutating func appendFirstDirectly(_ element: consuming Element) {
        if isEmpty { self = [element] } else { append(element) }
    }
}
