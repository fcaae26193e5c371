import Atomics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs commands one at a time on a single mutable value, with no lock and no thread of its own.
///
/// Whoever calls ``run(_:)`` while no command is running takes the *turn* (one compare-and-exchange),
/// runs its command on the value in place, then runs whatever other callers queued meanwhile, and
/// hands the turn back. A caller that finds the turn taken pushes its command on a lock-free queue
/// and waits for that command to be done; while it waits it keeps trying to take the turn itself, so a
/// queued command never depends on the holder coming back for it. So commands run in one order, on one
/// value that nobody else can see, and the caller's own thread does the work unless another thread is
/// already doing it: no futex, no wake-up, no hop to another thread.
///
/// Memory ordering:
/// - The turn is taken with an acquiring compare-and-exchange and handed back with a releasing store,
///   so every change a holder made to the value happens before the next holder reads it.
/// - A command is pushed on a ``PushStack`` and taken from it with sequentially consistent
///   operations (a release and an acquire among them), so the holder sees the command's captured
///   inputs.
/// - The holder marks a queued command done with a releasing store after writing its result; the
///   waiter reads the result only after an acquiring load sees the mark.
final class Sequencer<Value>: @unchecked Sendable {
    /// A command left for the turn's holder, and the mark that it ran.
    private final class Queued: @unchecked Sendable {
        private var body: ((inout Value) -> Void)?
        let done = ManagedAtomic(false)
        init(_ body: @escaping (inout Value) -> Void) { self.body = body }

        /// Runs the command and lets go of it before it is marked done: the waiter's closure must not
        /// outlive its call (`withoutActuallyEscaping` checks).
        func run(on value: inout Value) {
            let body = self.body.take()!
            body(&value)
        }
    }

    /// Touched only by the thread holding the turn. Kept outside the object: a stored `var` of a
    /// class is checked for exclusive access at run time on every command, and the turn already
    /// guarantees it.
    private let value: UnsafeMutablePointer<Value>
    private let turn = ManagedAtomic(false)
    private let queued = PushStack<Queued>()

    init(_ value: Value) {
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `command` on the value, after every command that started running before it, and before any
    /// that starts after it returns.
    func run<Result>(_ command: (inout Value) -> Result) -> Result {
        if takeTurn() {
            let result = command(&value.pointee)
            endTurn()
            return result
        }
        return withoutActuallyEscaping(command) { command in
            var result: Result?
            let entry = Queued { value in result = command(&value) }
            queued.push(entry)
            var attempts = 0
            while !entry.done.load(ordering: .acquiring) {
                // Read before trying, so waiters do not keep stealing the flag's cache line.
                if !turn.load(ordering: .relaxed) && takeTurn() {
                    endTurn()
                } else {
                    // Spin briefly (the holder's command takes microseconds), then give the core
                    // away, which on a busy machine is often what the holder is waiting for.
                    attempts += 1
                    if attempts > 64 { sched_yield() }
                }
            }
            return result!
        }
    }

    private func takeTurn() -> Bool {
        turn.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    /// Runs the commands queued so far, oldest first, and hands the turn back. Commands queued after
    /// the queue was taken are run by their own callers, who keep trying to take the turn.
    private func endTurn() {
        for current in queued.takeAll() {
            current.run(on: &value.pointee)
            current.done.store(true, ordering: .releasing)
        }
        turn.store(false, ordering: .releasing)
    }
}
