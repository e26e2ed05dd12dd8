import Foundation
import Testing
@testable import AllianceSearch

/// The queue between ingest's reading and writing threads.
struct BoundedQueueTests {
    /// Everything sent arrives once, in order, and the producer is never more than `capacity` ahead.
    @Test func deliversInOrderAndHoldsAtMostItsCapacity() {
        let queue = BoundedQueue<Int>(capacity: 3)
        let ahead = Counter()
        let producer = Thread {
            for number in 0..<10_000 {
                queue.send(number)
                ahead.add(1)
            }
            queue.finish()
        }
        producer.start()
        var received: [Int] = []
        var maximumAhead = 0
        while let number = queue.receive() {
            received.append(number)
            // Sent but not yet received, as the producer counts them: at most the capacity, plus the one it is
            // counting while this side receives.
            maximumAhead = max(maximumAhead, ahead.value - received.count)
        }
        #expect(received == Array(0..<10_000))
        #expect(maximumAhead <= 4)
    }

    /// A consumer that stops (a failed write) releases a producer waiting on a full queue.
    @Test func cancellingStopsTheProducer() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let stopped = Counter()
        let producer = Thread {
            var number = 0
            while queue.send(number) { number += 1 }
            stopped.add(1)
        }
        producer.start()
        #expect(queue.receive() == 0)
        queue.cancel()
        let deadline = Date().addingTimeInterval(10)
        while stopped.value == 0 && Date() < deadline { usleep(1000) }
        #expect(stopped.value == 1)
        #expect(queue.receive() == nil)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func add(_ amount: Int) { lock.withLock { count += amount } }
    }
}
