import Dispatch
import Foundation

/// One search on the server's thread pool, answered exactly once: with what it returned or threw, or with a 503 at
/// its deadline, `--timeout` after the request came, whether it is then still waiting for a thread or still running.
///
/// The time a request waits in the queue counts against its timeout: a job whose deadline has passed when a thread
/// takes it is not run, and one that starts late runs only until its deadline (`EnginePool` interrupts it there).
/// Answering at the deadline does not wait for the search to stop: a search that SQLite's interrupt does not reach at
/// once still holds its thread for a while, but no longer its client.
final class SearchJob<T: Sendable>: @unchecked Sendable {
    /// When the request came, and when it must be answered.
    let arrival: DispatchTime
    let deadline: DispatchTime
    private let limit: TimeInterval
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var started: DispatchTime?
    private var alarm: AlarmClock.Alarm?

    init(timeout: TimeInterval, arrival: DispatchTime = .now()) {
        self.arrival = arrival
        deadline = arrival + timeout
        limit = timeout
    }

    /// Waits for the answer to the job that `submit` hands to a thread.
    func answer(submit: (SearchJob) -> Void) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            lock.withLock { self.continuation = continuation }
            let alarm = AlarmClock.shared.set(at: deadline) { [self] in expire() }
            // Had it been answered meanwhile, the alarm would only fire later, and find nothing to answer.
            lock.withLock { self.alarm = alarm }
            submit(self)
        }
    }

    /// Called by the thread that takes the job: `false` when it must not run, because its deadline has passed
    /// (it is answered 503 now, if its alarm has not done so) or it was answered already.
    func start() -> Bool {
        let now = DispatchTime.now()
        guard now < deadline else {
            expire()
            return false
        }
        return lock.withLock {
            guard continuation != nil else { return false }
            started = now
            return true
        }
    }

    /// Answers with `result`, unless the job was answered already.
    func finish(_ result: Result<T, any Error>) {
        let (waiting, alarm) = lock.withLock { () -> (CheckedContinuation<T, any Error>?, AlarmClock.Alarm?) in
            defer {
                continuation = nil
                self.alarm = nil
            }
            return (continuation, self.alarm)
        }
        if let alarm { AlarmClock.shared.cancel(alarm) }
        waiting?.resume(with: result)
    }

    /// Answers 503 at the deadline, saying how long the search waited for a thread and how long it ran.
    private func expire() {
        let now = DispatchTime.now()
        let started = lock.withLock { self.started }
        finish(.failure(ServerError.timedOut(
            limit: limit, waited: arrival.seconds(to: started ?? now), ran: started.map { $0.seconds(to: now) })))
    }
}

extension DispatchTime {
    /// The seconds from this time to `end`.
    func seconds(to end: DispatchTime) -> TimeInterval {
        Double(Int64(bitPattern: end.uptimeNanoseconds &- uptimeNanoseconds)) / 1e9
    }
}
