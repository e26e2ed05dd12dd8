import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTP1

/// Answers the requests NIO's HTTP/1 parser refuses, which Hummingbird would answer with a bare 400 (no body, none
/// of the security headers): an over-long request line (414), over-long or too many headers (431), anything else
/// malformed (400: an HTTP/0.9 line, a bad chunk size, a Content-Length beside Transfer-Encoding, …). The answer is
/// the server's usual error, JSON for `/api/` and a page elsewhere, with `ResponsePolicy`'s headers; then the
/// connection is closed, as nothing after a malformed request can be read reliably.
///
/// It sits right after the parser and before Hummingbird's conversion to HTTP types, and keeps the order of answers:
/// a refused request is answered after the responses to the requests before it; a malformed body of a request the
/// application already has is answered in place of that request's response, if it has not begun.
///
/// It also gives an absolute-form request (`GET http://host/path`) the host of its target as its `Host`, which
/// RFC 9112 §3.2.2 says takes the place of the header, so that `HostPolicy` checks the name that counts.
final class ProtocolGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// NIO's limits on the request line and headers (its defaults), named in the answers.
    static let maximumHeadBytes = 80 * 1024
    static let maximumHeaderCount = 1_000

    /// Hummingbird's HTTP/1 channel with these limits and this guard.
    static var channelConfiguration: HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            additionalChannelHandlers: [Installer()],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: maximumHeadBytes, maxHeaderListSize: maximumHeadBytes,
                maxHeaderFieldCount: maximumHeaderCount))
    }

    private typealias Answer = (head: HTTPResponseHead, body: ByteBuffer)

    private enum Refusal {
        /// Answer (or with `nil`, only close) once this many responses have ended.
        case after(Int, Answer?)
        /// Answer in place of the response to this request, whose body was malformed.
        case replacing(Int, Answer)
    }

    private let lines: RequestLineTracker
    /// Requests passed on, and whether the body of the last one is still coming.
    private var requests = 0
    private var receiving = false
    /// Responses ended, and whether one has begun.
    private var responses = 0
    private var responding = false
    private var refusal: Refusal?
    /// Dropping the parts of the response an answer replaced.
    private var discarding = false
    private var closing = false

    init(lines: RequestLineTracker) {
        self.lines = lines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refusal == nil else { return }
        var part = unwrapInboundIn(data)
        switch part {
        case .head(var head):
            requests += 1
            receiving = true
            Self.useTargetAuthority(&head)
            part = .head(head)
        case .body:
            break
        case .end:
            receiving = false
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Every error here comes from the parser: the first is answered, the rest (a parser in its error state) are not.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard refusal == nil else { return }
        lines.halt()
        let answer = Self.answer(to: error, line: lines.current, lastRequestLine: lines.lastRequestLine)
        if !receiving {
            refusal = .after(requests, answer)
        } else if responses == requests || (responses == requests - 1 && responding) {
            // The malformed body belongs to a request whose response has begun: it cannot be answered twice.
            refusal = .after(requests, nil)
        } else {
            refusal = .replacing(requests, answer)
        }
        proceed(context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if discarding {
            promise?.succeed(())
            return
        }
        switch part {
        case .head:
            if case .replacing(let request, let answer) = refusal, request == responses + 1 {
                discarding = true
                promise?.succeed(())
                send(answer, context: context)
                return
            }
            responding = true
        case .body:
            break
        case .end:
            responding = false
            responses += 1
        }
        context.write(data, promise: promise)
        if case .end = part { proceed(context: context) }
    }

    /// Sends a waiting answer once the responses before it have ended.
    private func proceed(context: ChannelHandlerContext) {
        guard case .after(let count, let answer) = refusal, responses == count, !responding, !closing else { return }
        if let answer {
            send(answer, context: context)
        } else {
            context.flush()
            linger(context.channel, after: context.eventLoop.makeSucceededVoidFuture())
        }
    }

    private func send(_ answer: Answer, context: ChannelHandlerContext) {
        closing = true
        context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        linger(context.channel, after: written.futureResult)
    }

    /// Closes the output once `written`, and the connection a little later: closing at once with the client still
    /// sending (the rest of an over-long line) would reset the connection and could lose the answer before the client
    /// reads it. What arrives meanwhile is dropped (`RequestLineTracker.halt`).
    private func linger(_ channel: any Channel, after written: EventLoopFuture<Void>) {
        closing = true
        written.whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }

    /// The answer to a request the parser refused: `ResponsePolicy`'s error response, for the path of the request
    /// line when there was one, with its length, and closing the connection.
    private static func answer(to error: any Error, line: [UInt8], lastRequestLine: [UInt8]) -> Answer {
        let failure = failure(for: error, requestLine: RequestLineTracker.isRequestLine(line))
        let path = RequestLineTracker.path(ofRequestLine: line) ?? RequestLineTracker.path(ofRequestLine: lastRequestLine) ?? "/"
        let (response, text) = ResponsePolicy.errorResponse(failure, path: path)
        var head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status.code, reasonPhrase: response.status.reasonPhrase))
        for field in response.headerFields { head.headers.add(name: field.name.canonicalName, value: field.value) }
        let body = ByteBuffer(string: text)
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        return (head, body)
    }

    /// What was wrong, in words a client can act on.
    ///
    /// - Parameter requestLine: Whether the parser failed in a request line (an overflow there is a 414).
    static func failure(for error: any Error, requestLine: Bool) -> ServerError {
        let limit = "\(maximumHeadBytes / 1024) KB"
        let message: MessageText
        switch error as? HTTPParserError {
        case .headerOverflow? where requestLine:
            return ServerError(status: .uriTooLong, message: """
                the request line is longer than \(fixed: limit); shorten the URL (a query string may hold \
                \(QueryString.maximumBytes) bytes)
                """)
        case .headerOverflow?:
            return ServerError(status: .requestHeaderFieldsTooLarge, message: """
                the request's headers are longer than \(fixed: limit) or more than \(maximumHeaderCount); send fewer \
                or shorter headers
                """)
        case .invalidVersion?, .invalidConstant?, .lfExpected?, .strictModeAssertion?, .paused?:
            message = """
                the request line must be a method, a space, a path, a space and HTTP/1.1 (or HTTP/1.0), and every line \
                must end with CR LF: this server speaks HTTP/1.x only
                """
        case .invalidMethod?:
            message = "the request does not start with an HTTP method; every route here answers GET (and HEAD)"
        case .invalidURL?, .invalidPath?, .invalidQueryString?, .invalidFragment?, .invalidCharactersUsed?:
            message = "the request target is not a valid URL path; percent-encode spaces and characters outside ASCII"
        case .invalidHeaderToken?:
            message = "a header name or value holds a character HTTP does not allow there"
        case .invalidContentLength?, .unexpectedContentLength?:
            message = "the request's length is unclear: Content-Length is not one number, or comes with Transfer-Encoding"
        case .invalidChunkSize?:
            message = "the request's chunked body has a chunk size that is not a hexadecimal number"
        case .invalidEOFState?:
            message = "the connection was closed in the middle of the request"
        default:
            message = """
                the request is not well-formed HTTP/1.1; check its request line, its headers, and how its body is \
                framed (Content-Length or Transfer-Encoding: chunked, not both)
                """
        }
        return ServerError(status: .badRequest, message: message)
    }

    /// An absolute-form target's host and port, as the request's `Host` (RFC 9112 §3.2.2).
    static func useTargetAuthority(_ head: inout HTTPRequestHead) {
        guard let authority = authority(ofAbsoluteForm: head.uri) else { return }
        head.headers.remove(name: "Host")
        head.headers.add(name: "Host", value: authority)
    }

    /// `host:port` of `scheme://[userinfo@]host:port/path?query`; `nil` for any other form of target.
    static func authority(ofAbsoluteForm target: String) -> String? {
        guard let separator = target.range(of: "://"), let first = target.first, first.isASCII, first.isLetter,
            target[..<separator.lowerBound].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        let authority = target[separator.upperBound...].prefix { !"/?#".contains($0) }
        return String(authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority)
    }

    /// Added by Hummingbird after its HTTP types codec (the only place its configuration offers), it puts a
    /// `RequestLineTracker` before the parser and a `ProtocolGuard` right after it, then leaves the pipeline.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            do {
                let parser = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                let lines = RequestLineTracker()
                try pipeline.addHandler(lines, position: .first)
                try pipeline.addHandler(ProtocolGuard(lines: lines), position: .after(parser))
            } catch {
                // Without the guard, refused requests would get bare answers: serve nothing on this connection.
                context.close(promise: nil)
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
