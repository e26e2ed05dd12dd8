import AllianceSearch
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOPosix

/// `alliance-serve`: the search page and the JSON API over HTTP, on the same engine as `alliance-query`.
///
/// Routes (all `GET`):
/// - `/` — the search page; `/documents/{id}` — one document, its text with the query's words marked;
///   `/static/app.css`, `/static/app.js`.
/// - `/api/search` — the CLI's JSON contract (`"schema": 1`) for `q` and the parameters of `SearchParameters`;
///   `/api/documents/{id}` — one document as JSON; `/api/health` — whether the index can be searched.
///
/// Searches run on a thread pool of `threads` threads, each with its own read-only connection (`EnginePool`),
/// never on the event loops, and are answered within `timeout` of the request, the wait for a thread included
/// (`SearchJob`). Only the host names of `HostPolicy` are answered. Every response carries a
/// Content-Security-Policy, and all but the static style sheet and script are `no-store`; so do the answers to
/// requests HTTP parsing refuses (`ProtocolGuard`).
public struct SearchServer: Sendable {
    public struct Options: Sendable {
        public var indexPath: String
        public var host: String
        /// 0 asks the system for a free port.
        public var port: Int
        /// Threads that run searches, each with its own connection.
        public var threads: Int
        /// Build or update the index before serving, as `alliance-query` does before searching.
        public var refresh: Bool
        /// A search not answered this long after its request came (waiting for a thread, then running) is stopped
        /// and answered 503.
        public var timeout: TimeInterval
        /// Searches allowed to wait for a thread; past that, requests are answered 503 at once.
        public var backlog: Int
        /// Host names answered for besides `localhost` and `host` (`--allowed-host`); see `HostPolicy`.
        public var allowedHosts: [String]

        public init(
            indexPath: String, host: String = "127.0.0.1", port: Int = 8420, threads: Int = 0, refresh: Bool = true,
            timeout: TimeInterval = 10, backlog: Int = 256, allowedHosts: [String] = []
        ) {
            self.indexPath = indexPath
            self.host = host
            self.port = port
            self.threads = threads > 0 ? threads : max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
            self.refresh = refresh
            self.timeout = timeout
            self.backlog = backlog
            self.allowedHosts = allowedHosts
        }
    }

    public let options: Options
    let engines: EnginePool
    let threadPool: NIOThreadPool
    private let queued: Backlog
    /// For the test suite only: what makes every search slow (`TestStall`), or `nil`.
    private let stall: (@Sendable (SearchEngine) throws -> Void)?

    public init(options: Options) {
        self.options = options
        engines = EnginePool(path: options.indexPath, timeout: options.timeout)
        threadPool = NIOThreadPool(numberOfThreads: options.threads)
        queued = Backlog(limit: options.threads + options.backlog)
        stall = TestStall.fromEnvironment()
    }

    /// Prepares the index (building it from `corpus/` when it is missing, as a query would), then serves until the
    /// process gets SIGINT or SIGTERM.
    ///
    /// An index that cannot be opened does not stop the server: it answers 503 until the index can be read (an
    /// `alliance-ingest` run in the meantime is picked up by the next request). A path that can never be an index
    /// (`IndexError.wrongKind`) does: it is thrown.
    ///
    /// - Parameters:
    ///   - notice: Lines for stderr: what was done to the index, and why it is unavailable.
    ///   - ready: Called once with the address the server listens on (the port, when 0 was asked for).
    public func run(notice: @escaping @Sendable (String) -> Void, ready: @escaping @Sendable (String, Int) -> Void) async throws {
        do {
            _ = try SearchIndex.openRefreshing(at: options.indexPath, refresh: options.refresh, notice: notice)
        } catch IndexError.wrongKind(let path, let detail) {
            // A path that is no file (a folder, a pipe, a device) never becomes an index: waiting serves nothing.
            throw IndexError.wrongKind(path: path, detail: detail)
        } catch {
            notice("the index is unavailable until this is fixed (the API answers 503): \(error.localizedDescription)")
        }
        threadPool.start()
        var logger = Logger(label: "alliance-serve")
        logger.logLevel = .warning
        let host = options.host
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: ProtocolGuard.channelConfiguration),
            configuration: .init(address: .hostname(host, port: options.port), serverName: nil),
            onServerRunning: { channel in ready(host, channel.localAddress?.port ?? 0) },
            logger: logger)
        do {
            try await app.runService()
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
        try? await threadPool.shutdownGracefully()
    }

    /// The routes, behind the middleware that turns errors into responses and sets the security headers.
    func makeRouter() -> Router<BasicRequestContext> {
        // Every route answers HEAD as it answers GET, without the body.
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: ResponsePolicy(hosts: HostPolicy(listeningOn: options.host, allowed: options.allowedHosts)))
        let api = SearchAPI(server: self)
        router.get("/api/health") { _, _ in try await api.health() }
        router.get("/api/search") { request, _ in try await api.search(request.uri.query) }
        router.get("/api/documents/:id") { request, context in
            try await api.document(try Self.decodedID(context.parameters.get("id")), query: request.uri.query)
        }
        let pages = PageRoutes(server: self)
        router.get("/") { request, _ in try await pages.search(request.uri.query) }
        router.get("/documents/:id") { request, context in
            try await pages.document(try Self.decodedID(context.parameters.get("id")), query: request.uri.query)
        }
        // Static assets may be cached for an hour; every other response is `no-store`.
        router.get("/static/app.css") { _, _ in
            Self.response(.ok, type: "text/css; charset=utf-8", PageTemplates.styleSheet, cache: true)
        }
        router.get("/static/app.js") { _, _ in
            Self.response(.ok, type: "text/javascript; charset=utf-8", PageTemplates.script, cache: true)
        }
        return router
    }

    /// Runs `body` with a pooled engine on the search thread pool, answered within `timeout` of now (`SearchJob`);
    /// 503 at once when `backlog` searches already wait.
    func withEngine<T: Sendable>(_ body: @escaping @Sendable (SearchEngine) throws -> T) async throws -> T {
        let job = SearchJob<T>(timeout: options.timeout)
        guard queued.enter() else {
            throw ServerError(status: .serviceUnavailable, message: "the server is busy: too many searches are waiting; try again shortly")
        }
        let (engines, queued, stall) = (engines, queued, stall)
        return try await job.answer { job in
            threadPool.submit { state in
                // The count is of jobs on the pool, answered or not: a search past its deadline still holds a thread.
                defer { queued.leave() }
                guard case .active = state else {
                    return job.finish(.failure(ServerError(status: .serviceUnavailable, message: "the server is stopping")))
                }
                guard job.start() else { return }
                job.finish(Result {
                    try engines.withEngine(until: job.deadline) { engine in
                        try stall?(engine)
                        return try body(engine)
                    }
                })
            }
        }
    }

    /// The document `id` with the words of `query` marked, or a 404.
    func document(_ id: String, marking query: String) async throws -> DocumentView {
        guard let document = try await withEngine({ engine in try engine.document(id: id, highlighting: query) }) else {
            throw ServerError.unknownDocument(id)
        }
        return document
    }

    /// A route's `{id}`, percent-decoded (the router leaves `%2F` as it came, so an id may hold a slash).
    static func decodedID(_ raw: String?) throws -> String {
        guard let raw, !raw.isEmpty else { throw ServerError.badParameter("id", "is empty") }
        return try QueryString.decode(raw[...], name: "id", plusIsSpace: false)
    }

    /// Counts the searches that are running or waiting for a thread.
    private final class Backlog: @unchecked Sendable {
        private let limit: Int
        private let lock = NSLock()
        private var count = 0

        init(limit: Int) {
            self.limit = limit
        }

        func enter() -> Bool {
            lock.withLock {
                guard count < limit else { return false }
                count += 1
                return true
            }
        }

        func leave() {
            lock.withLock { count -= 1 }
        }
    }

    static func response(_ status: HTTPResponse.Status, type: String, _ body: String, cache: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = cache ? "public, max-age=3600" : "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
