import Foundation

/// Runs the built executables the way a user or a script does, and captures what they print.
struct CLIRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The folder holding the built products: the one the test runner was started from.
    static let productsFolder: URL = {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("alliance-query").path) }
            ?? candidates.last!
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Starts `tool` with `arguments` in `directory`; the caller waits or signals it.
    static func start(
        _ tool: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]
    ) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent(tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["ALLIANCE_INDEX"] = nil
        env["NO_COLOR"] = nil
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Runs `tool` to completion.
    static func run(_ tool: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Output {
        let (process, out, err) = try start(tool, arguments, in: directory, environment: environment)
        // Read both pipes before waiting, so that a large output cannot fill a pipe and stall the child.
        let errData = Collected()
        let errRead = DispatchSemaphore(value: 0)
        let errReader = Thread {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            errRead.signal()
        }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // The semaphore, not a poll of `isFinished`, orders the reader's write before this read.
        errRead.wait()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// What a reader thread collected; read only after the thread has finished.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    /// A temporary folder holding a copy of the bundled corpus as `corpus/`, as in a fresh clone.
    /// The CACM test collection: `$ALLIANCE_SHARED/eval/cacm`, else `../shared/eval/cacm` beside the package.
    static let cacm: URL = {
        let shared = ProcessInfo.processInfo.environment["ALLIANCE_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return shared.appendingPathComponent("eval/cacm")
    }()

    /// Runs `bench/<script>` with Python 3 and `arguments`, and reads the JSON object it prints.
    static func benchJSON(_ script: String, _ arguments: [String]) throws -> (status: Int32, json: [String: Any]?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("bench/\(script)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, try? JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func cloneLikeFolder(withCorpus: Bool = true) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("index"), withIntermediateDirectories: true)
        if withCorpus {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("corpus"), to: folder.appendingPathComponent("corpus"))
        }
        return folder
    }
}
