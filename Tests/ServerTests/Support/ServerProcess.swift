import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A running `alliance-serve`, started on a free port in a folder of its own, the way a user starts it.
final class ServerProcess: @unchecked Sendable {
    let folder: URL
    let process: Process
    let base: URL
    private let errors: Pipe

    /// The folder holding the built products: the one the test runner was started from.
    static let productsFolder: URL = {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("alliance-serve").path) }
            ?? candidates.last!
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A new folder with `corpus/`: the bundled corpus, or the given files instead.
    static func folder(corpus files: [String: String]? = nil) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let files {
            for (path, text) in files {
                let url = folder.appendingPathComponent("corpus").appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
        } else {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("corpus"), to: folder.appendingPathComponent("corpus"))
        }
        return folder
    }

    /// The servers still running, stopped when the test process exits: a suite's shared server is never deinited.
    private static let running = Running()

    private final class Running: @unchecked Sendable {
        private let lock = NSLock()
        private var processes: [ObjectIdentifier: (Process, URL)] = [:]

        init() {
            atexit {
                ServerProcess.running.stopAll()
            }
        }

        func add(_ server: ServerProcess) {
            lock.withLock { processes[ObjectIdentifier(server)] = (server.process, server.folder) }
        }

        func remove(_ server: ServerProcess) {
            _ = lock.withLock { processes.removeValue(forKey: ObjectIdentifier(server)) }
        }

        func stopAll() {
            for (process, folder) in lock.withLock({ Array(processes.values) }) {
                if process.isRunning {
                    process.terminate()
                    process.waitUntilExit()
                }
                try? FileManager.default.removeItem(at: folder)
            }
        }
    }

    /// Starts the server in `folder`, with `environment` added to the test's, and waits (up to 60 s) for the line
    /// that says where it listens.
    init(in folder: URL, arguments: [String] = [], environment added: [String: String] = [:]) throws {
        self.folder = folder
        process = Process()
        process.executableURL = Self.productsFolder.appendingPathComponent("alliance-serve")
        process.arguments = ["--port", "0"] + arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["ALLIANCE_INDEX"] = nil
        environment.merge(added) { $1 }
        process.environment = environment
        let output = Pipe()
        errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(60)
        while !line.contains(0x0A), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://"), let end = text[range.lowerBound...].firstIndex(of: "\n"),
            let url = URL(string: String(text[range.lowerBound..<end]))
        else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "alliance-serve did not start: \(text)"])
        }
        base = url
        Self.running.add(self)
    }

    /// Stops the server (SIGTERM) and returns its exit status and what it wrote on stderr.
    @discardableResult
    func stop() -> (status: Int32, stderr: String) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text)
    }

    deinit {
        Self.running.remove(self)
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: folder)
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] }
    }

    /// Sends `GET target` exactly as given, over a plain socket (URLSession would normalise `..` away), and returns
    /// the status code and the body.
    func rawGet(_ target: String) throws -> (status: Int, body: String) {
        let reply = try raw(Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)).first
        return (reply?.status ?? 0, reply?.body ?? "")
    }

    /// Sends `bytes` as they are over a new connection, half-closes it, reads until the server closes it (or for
    /// `timeout`), and returns the responses read, in order.
    func raw(_ bytes: [UInt8], timeout: TimeInterval = 10) throws -> [Reply] {
        try Self.raw(bytes, port: base.port!, timeout: timeout)
    }

    /// `raw(_:timeout:)` to `port` on 127.0.0.1.
    static func raw(_ bytes: [UInt8], port: Int, timeout: TimeInterval = 10) throws -> [Reply] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            // MSG_NOSIGNAL: a server that closed early is an answer to read, not a SIGPIPE.
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }
            sent += count
        }
        shutdown(fd, Int32(SHUT_WR))
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        return Self.replies(in: response)
    }

    /// The HTTP/1.1 responses in `data`, each framed by its Content-Length.
    static func replies(in data: Data) -> [Reply] {
        var replies: [Reply] = []
        var rest = data[...]
        while let end = rest.firstRange(of: Data("\r\n\r\n".utf8)) {
            let head = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "") ?? rest.distance(from: end.upperBound, to: rest.endIndex)
            let bodyEnd = rest.index(end.upperBound, offsetBy: min(length, rest.distance(from: end.upperBound, to: rest.endIndex)))
            let status = head.first?.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
            replies.append(Reply(status: status, headers: headers, body: String(decoding: rest[end.upperBound..<bodyEnd], as: UTF8.self)))
            rest = rest[bodyEnd...]
        }
        return replies
    }

    /// `GET path` (already percent-encoded, with its query), without following redirects.
    func get(_ path: String) async throws -> Reply {
        guard let url = URL(string: base.absoluteString.dropLast() + path) else {
            throw URLError(.badURL)
        }
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: headers, body: String(decoding: data, as: UTF8.self))
    }
}
