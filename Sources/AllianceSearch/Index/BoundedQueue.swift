import Foundation

/// A first-in, first-out queue between one producing thread and one consuming thread, holding at most
/// `capacity` items: a producer that gets ahead waits, so memory stays bounded whatever the input's size.
///
/// Either side can end it: the producer with `finish()` (the consumer drains what is left, then gets `nil`), the
/// consumer with `cancel()` (the producer's next `send` returns `false`, and it should stop).
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// At most `capacity` items: removing the first is cheap, and a received item is released at once.
    private var items: [Element] = []
    private var finished = false
    private var cancelled = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `item`, waiting while the queue is full; `false` when the consumer has cancelled.
    @discardableResult
    func send(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting for one; `nil` once the producer has finished and everything was received.
    func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished && !cancelled { condition.wait() }
        guard !items.isEmpty, !cancelled else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Says that nothing more will be sent.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer: its pending and later `send`s return `false`.
    func cancel() {
        condition.lock()
        cancelled = true
        items = []
        condition.broadcast()
        condition.unlock()
    }
}
