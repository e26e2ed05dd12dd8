import NIOCore

/// The first handler of a connection's pipeline, before NIO's HTTP parser: it hands the bytes on a line at a time, so
/// that when the parser fails, `ProtocolGuard` knows which line it was reading, and after a failure it hands on
/// nothing more.
///
/// NIO reports an over-long request line and over-long headers with the same error (`headerOverflow`); which line
/// overflowed tells them apart (414 or 431): a request line is `METHOD SP target SP HTTP/x.y`, a header line
/// `Name: value` (`isRequestLine`).
final class RequestLineTracker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The first bytes kept of a line: enough to tell its kind and a request line's path.
    static let keptBytes = 256

    /// The start of the line being read (the one the parser was reading if it failed), and whether it has ended.
    private(set) var current: [UInt8] = []
    private var currentEnded = false
    /// The start of the last whole line that was a request line.
    private(set) var lastRequestLine: [UInt8] = []
    private var halted = false

    /// Hands nothing more on: the connection is being answered and closed.
    func halt() {
        halted = true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        while !halted, buffer.readableBytes > 0 {
            let length = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")).map { $0 - buffer.readerIndex + 1 }
            let line = buffer.readSlice(length: length ?? buffer.readableBytes)!
            if currentEnded {
                current.removeAll(keepingCapacity: true)
                currentEnded = false
            }
            if current.count < Self.keptBytes {
                current += line.readableBytesView.prefix(Self.keptBytes - current.count)
            }
            context.fireChannelRead(wrapInboundOut(line))
            if length != nil {
                currentEnded = true
                if Self.isRequestLine(current) { lastRequestLine = current }
            }
        }
    }

    /// Whether `line` starts as a request line does: a method (upper-case letters, `-`), a space, and a target that
    /// starts with `/`, `*` or a scheme and `://` (or, after `CONNECT`, anything). A header line has a colon in its
    /// first word, and a header name with a space in it is not followed by a target.
    static func isRequestLine(_ line: [UInt8]) -> Bool {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space > 0,
            line[..<space].allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "-") })
        else { return false }
        let target = line[(space + 1)...]
        if line[..<space].elementsEqual("CONNECT".utf8) { return !target.isEmpty }
        if let first = target.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "*") { return true }
        let scheme = target.prefix { $0 != UInt8(ascii: ":") }
        return !scheme.isEmpty && scheme.count < target.count && target.dropFirst(scheme.count).starts(with: "://".utf8)
            && scheme.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The path of a request line's target (origin-form, or absolute-form without its scheme and authority), for
    /// choosing between a JSON and a page answer; `nil` when `line` is no request line.
    static func path(ofRequestLine line: [UInt8]) -> String? {
        guard isRequestLine(line), let space = line.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let target = String(decoding: line[(space + 1)...].prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "?") }, as: UTF8.self)
        guard let scheme = target.range(of: "://") else { return target }
        let rest = target[scheme.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }
}
