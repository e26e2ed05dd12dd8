import Dispatch
import Foundation

/// Runs short actions at their deadlines, on a thread of its own: the watchdog that interrupts a search, and the
/// 503 that answers a request at its deadline.
///
/// Dispatch's timers need a free thread of Dispatch's pool, which on Linux is also Swift concurrency's, as many
/// threads as cores: when they are all busy or blocked, a timer fires late, and a deadline with it (measured: 2.7 s
/// instead of 0.5 with two blocked threads on two cores). This thread only waits and runs the actions, which must
/// return at once.
final class AlarmClock: @unchecked Sendable {
    static let shared = AlarmClock()

    /// An alarm set, to cancel.
    struct Alarm: Sendable {
        fileprivate let id: Int
    }

    private let condition = NSCondition()
    private var alarms: [Int: (deadline: DispatchTime, action: @Sendable () -> Void)] = [:]
    private var nextID = 0

    private init() {
        let thread = Thread { [unowned self] in run() }
        thread.name = "alliance-serve alarms"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Runs `action` at `deadline` (at once if it has passed), unless the alarm is cancelled first.
    @discardableResult
    func set(at deadline: DispatchTime, _ action: @escaping @Sendable () -> Void) -> Alarm {
        condition.withLock {
            nextID += 1
            alarms[nextID] = (deadline, action)
            condition.signal()
            return Alarm(id: nextID)
        }
    }

    func cancel(_ alarm: Alarm) {
        condition.withLock { _ = alarms.removeValue(forKey: alarm.id) }
    }

    private func run() {
        condition.lock()
        while true {
            guard let (id, next) = alarms.min(by: { $0.value.deadline < $1.value.deadline }) else {
                condition.wait()
                continue
            }
            let now = DispatchTime.now()
            guard next.deadline <= now else {
                _ = condition.wait(until: Date(timeIntervalSinceNow: now.seconds(to: next.deadline)))
                continue
            }
            alarms.removeValue(forKey: id)
            condition.unlock()
            next.action()
            condition.lock()
        }
    }
}
