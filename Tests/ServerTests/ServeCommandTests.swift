import Foundation
import Testing

/// `alliance-serve`'s own exit statuses: 2 for a usage error, as the other tools, and 3 when it cannot listen.
struct ServeCommandTests {
    private func run(_ arguments: [String], in folder: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = ServerProcess.productsFolder.appendingPathComponent("alliance-serve")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(arguments: [
        (["--port", "70000"], "--port must be between 0 and 65535"),
        (["--threads", "300"], "--threads must be between 0 and 256"),
        (["--timeout", "0"], "--timeout must be more than 0"),
        (["--no-such-option"], "Unknown option '--no-such-option'"),
        (["--allowed-host", "http://search.example.org"], "--allowed-host 'http://search.example.org' is not a host name"),
        (["--allowed-host", "search.example.org:8420"], "without a scheme, port or path"),
        (["--allowed-host", "ok.example", "--allowed-host", "*"], "--allowed-host '*' is not a host name"),
    ])
    func usageErrorsExitTwo(arguments: [String], message: String) throws {
        let folder = try ServerProcess.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(arguments, in: folder)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aPortInUseExitsThree() throws {
        let server = try ServerProcess(in: ServerProcess.folder())
        defer { server.stop() }
        let result = try run(["--port", String(server.base.port!)], in: server.folder)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("alliance-serve: cannot serve on 127.0.0.1:\(server.base.port!)"), "\(result.stderr)")
    }

    /// `--help` documents `--allowed-host` and why it exists.
    @Test func helpDocumentsTheAllowedHosts() throws {
        let process = Process()
        process.executableURL = ServerProcess.productsFolder.appendingPathComponent("alliance-serve")
        process.arguments = ["--help"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("--allowed-host <name>"), "\(text)")
        #expect(text.contains("DNS rebinding"), "\(text)")
        #expect(text.contains("others get 421"), "\(text)")
    }

    /// A path that can never be an index (a pipe here) stops the server at once with status 3, naming what it is;
    /// an index that is only missing or damaged does not (it answers 503 until it is fixed).
    @Test func anIndexPathThatIsAPipeExitsThree() throws {
        let folder = try ServerProcess.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("pipe.sqlite").path
        #expect(mkfifo(pipe, 0o644) == 0)
        let result = try run(["--port", "0", "--index", pipe], in: folder)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("it is a named pipe (FIFO), not a regular file"), "\(result.stderr)")
    }
}
