import Foundation

/// Headless Chromium driven through the DevTools protocol over a pipe (`--remote-debugging-pipe`): the browser reads
/// commands on its file descriptor 3 and writes replies and events on 4, each a JSON message ended by a NUL. No
/// WebSocket and no library is needed, and nothing listens on a port.
final class Chromium {
    static let executable = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool { executable != nil }

    private let pid: pid_t
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private let profile: URL
    private var buffer = Data()
    private var nextID = 0
    /// Events received while waiting for something else, oldest first.
    private(set) var events: [[String: Any]] = []
    private var sessionID: String?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        guard let executable = Self.executable else { throw Failure(description: "Chromium is not installed") }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-chromium-\(UUID().uuidString)")
        var commands: [Int32] = [0, 0], replies: [Int32] = [0, 0]
        guard pipe(&commands) == 0, pipe(&replies) == 0 else { throw Failure(description: "pipe() failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, commands[0], 3)
        posix_spawn_file_actions_adddup2(&actions, replies[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-pipe", "--user-data-dir=\(profile.path)", "--window-size=1280,900", "about:blank",
        ]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, &argv, environ)
        close(commands[0])
        close(replies[1])
        guard status == 0 else { throw Failure(description: "cannot start Chromium: \(status)") }
        pid = child
        toBrowser = commands[1]
        fromBrowser = replies[0]
    }

    deinit {
        close(toBrowser)
        close(fromBrowser)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: profile)
    }

    /// Opens a tab on `url` and attaches to it: later commands go to that tab.
    func open(_ url: URL) throws {
        let target = try command("Target.createTarget", ["url": "about:blank"], inTab: false)
        guard let targetID = target["targetId"] as? String else { throw Failure(description: "no target: \(target)") }
        let attached = try command("Target.attachToTarget", ["targetId": targetID, "flatten": true], inTab: false)
        sessionID = attached["sessionId"] as? String
        _ = try command("Page.enable")
        _ = try command("Runtime.enable")
        _ = try command("Log.enable")
        try navigate(url)
    }

    /// Loads `url` in the tab and waits for its load event.
    func navigate(_ url: URL) throws {
        try expectingLoad { _ = try command("Page.navigate", ["url": url.absoluteString]) }
    }

    /// Runs `action`, then waits for the page's next load event.
    func expectingLoad(_ action: () throws -> Void) throws {
        events.removeAll { $0["method"] as? String == "Page.loadEventFired" }
        try action()
        _ = try waitForEvent("Page.loadEventFired")
    }

    /// The value of a JavaScript expression in the page (which must be JSON-serialisable).
    func evaluate(_ expression: String) throws -> Any? {
        let reply = try command("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if let exception = reply["exceptionDetails"] { throw Failure(description: "\(expression): \(exception)") }
        return (reply["result"] as? [String: Any])?["value"]
    }

    /// Types `text` into the focused element, as a user would (one input event per character).
    func type(_ text: String) throws {
        _ = try command("Input.insertText", ["text": text])
    }

    /// Presses and releases one key.
    func press(_ key: String, code: String, keyCode: Int, text: String? = nil) throws {
        var down: [String: Any] = ["type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": keyCode]
        if let text { down["text"] = text }
        _ = try command("Input.dispatchKeyEvent", down)
        _ = try command("Input.dispatchKeyEvent", ["type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": keyCode])
    }

    /// A PNG of the tab as it is rendered.
    func screenshot() throws -> Data {
        let reply = try command("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": false])
        guard let base64 = reply["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    /// What the browser logged (CSP violations among them), as text.
    var logEntries: [String] {
        events.compactMap { event in
            guard event["method"] as? String == "Log.entryAdded",
                let entry = (event["params"] as? [String: Any])?["entry"] as? [String: Any]
            else { return nil }
            return "\(entry["level"] ?? ""): \(entry["text"] ?? "")"
        }
    }

    /// Sends a command and waits (up to 30 s) for its reply.
    @discardableResult
    func command(_ method: String, _ parameters: [String: Any] = [:], inTab: Bool = true) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if inTab, let sessionID { message["sessionId"] = sessionID }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(toBrowser, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { throw Failure(description: "cannot write to Chromium") }
                offset += written
            }
        }
        while true {
            let reply = try receive()
            if reply["id"] as? Int == id {
                if let error = reply["error"] { throw Failure(description: "\(method): \(error)") }
                return reply["result"] as? [String: Any] ?? [:]
            }
            if reply["method"] != nil { events.append(reply) }
        }
    }

    /// Waits (up to 30 s) for an event named `method`, and takes it from the list.
    func waitForEvent(_ method: String) throws -> [String: Any] {
        while true {
            if let index = events.firstIndex(where: { $0["method"] as? String == method }) {
                return events.remove(at: index)
            }
            let message = try receive()
            if message["method"] != nil { events.append(message) }
        }
    }

    /// The next message from the browser.
    private func receive() throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(30)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex..<end]
                buffer.removeSubrange(buffer.startIndex...end)
                return (try JSONSerialization.jsonObject(with: message) as? [String: Any]) ?? [:]
            }
            var descriptor = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard remaining > 0, poll(&descriptor, 1, remaining) > 0 else { throw Failure(description: "Chromium did not answer in 30 s") }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = read(fromBrowser, &chunk, chunk.count)
            guard count > 0 else { throw Failure(description: "Chromium closed its pipe") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
