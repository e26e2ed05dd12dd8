import AllianceSearch
import AllianceServer
import ArgumentParser
import Foundation

/// `alliance-serve`: the search page and JSON API over HTTP. All the work is in `SearchServer`.
@main
struct AllianceServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alliance-serve",
        abstract: "Serve the search page and the JSON API over HTTP.",
        discussion: """
            Routes: / (the search page), /documents/{id}, /api/search?q=… (the JSON of alliance-query --format json), \
            /api/documents/{id}, /api/health.

            When the index is missing, it is built from corpus/ first; when its documents changed, it is updated \
            first (unless --no-refresh). The index is then only read. Stop the server with Ctrl-C (SIGINT) or SIGTERM.

            Only requests for this server's own names are answered, so that a web page cannot read the index \
            through a visitor's browser by pointing its own name at this address (DNS rebinding): the Host header \
            must be an IP address, localhost, the --host name, or an --allowed-host name; others get 421. Give \
            --allowed-host for each name clients use, as with --host 0.0.0.0 or behind a proxy that passes its \
            own Host on.

            Exit status: 0 stopped by a signal; 2 usage error; 3 the address cannot be used.
            """)

    @Option(help: "The address to listen on. Anything other than 127.0.0.1 or ::1 makes the index reachable from the network.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one. The address is printed on stdout when the server is ready.")
    var port = 8420

    @Option(help: "Searches run side by side, each on its own read-only connection. Default: twice the cores, at least 2.")
    var threads = 0

    @Option(help: "Answer 503 to a search not answered within this many seconds of its request (waiting for a thread included), and stop it.")
    var timeout = 10.0

    @Option(
        name: .customLong("allowed-host"),
        help: ArgumentHelp(
            "Also answer requests whose Host is this name (repeatable), e.g. search.example.org. localhost, the --host name and IP addresses are always answered.",
            valueName: "name"))
    var allowedHosts: [String] = []

    @Option(help: "The index file. Default: $ALLIANCE_INDEX, else index/alliance.sqlite.")
    var index: String?

    @Flag(help: "Serve the index as it is, without checking whether its documents changed.")
    var noRefresh = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (0...256).contains(threads) else { throw ValidationError("--threads must be between 0 and 256") }
        guard timeout > 0, timeout <= 3_600 else { throw ValidationError("--timeout must be more than 0 and at most 3600 seconds") }
        if let problem = allowedHosts.lazy.compactMap(HostPolicy.problem(withName:)).first { throw ValidationError(problem) }
    }

    func run() async throws {
        let path = SearchIndex.resolvePath(option: index)
        let server = SearchServer(options: .init(
            indexPath: path, host: host, port: port, threads: threads, refresh: !noRefresh, timeout: timeout, allowedHosts: allowedHosts))
        do {
            try await server.run(
                notice: { standardError("alliance-serve: \($0)\n") },
                ready: { host, port in
                    let shown = host.contains(":") ? "[\(host)]" : host
                    // Written unbuffered: a script or a test waits for this line to know the server is up.
                    FileHandle.standardOutput.write(Data("alliance-serve: serving \(path) at http://\(shown):\(port)/\n".utf8))
                })
        } catch let error as IndexError {
            standardError("alliance-serve: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.index.rawValue)
        } catch {
            standardError("alliance-serve: cannot serve on \(host):\(port): \(error)\n")
            throw ExitCode(ExitStatus.index.rawValue)
        }
    }

    /// Usage errors exit 2, as for the other two tools, rather than ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parse()
            try await command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                standardError(fullMessage(for: error) + "\n")
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Writes `text` to stderr with its control characters made visible (`TerminalText`): messages quote file paths,
/// document ids and queries, which may hold any character.
private func standardError(_ text: String) {
    FileHandle.standardError.write(Data(TerminalText.visible(text).utf8))
}
