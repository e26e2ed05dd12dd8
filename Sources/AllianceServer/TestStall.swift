import AllianceSearch
import Foundation

/// For the test suite only: `ALLIANCE_SERVE_TEST_STALL=SECONDS` in the server's environment makes every search
/// first sleep that long, deaf to SQLite's interrupt (as slow work outside SQLite would be), so that a test can
/// hold the thread pool and check that waiting requests are still answered within `--timeout`. A request cannot set
/// it; it is read once, when the server starts.
enum TestStall {
    static let variable = "ALLIANCE_SERVE_TEST_STALL"

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> (@Sendable (SearchEngine) throws -> Void)? {
        guard let seconds = environment[variable].flatMap(Double.init), seconds > 0 else { return nil }
        return { _ in Thread.sleep(forTimeInterval: seconds) }
    }
}
