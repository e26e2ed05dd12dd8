import Foundation

/// The host names the server answers for, against DNS rebinding: a web page on `evil.example` whose name is made to
/// resolve to 127.0.0.1 would otherwise read the index through the visitor's browser, which sends `Host: evil.example`.
///
/// A request is answered when its `Host` (or the host of an absolute-form target, which takes its place) is an IP
/// address literal (IPv4 dotted quad, or bracketed IPv6: an address cannot be rebound), `localhost`, the `--host`
/// the server listens on, or one of the `--allowed-host` names. Names are compared without case, without the port
/// and without a final dot (`LocalHost.:8420` is `localhost`). Another name is answered 421 Misdirected Request; a
/// missing, repeated or malformed `Host` is answered 400.
public struct HostPolicy: Sendable {
    /// The names answered for, in their compared form (lower case, no final dot).
    let names: Set<String>

    /// - Parameters:
    ///   - host: The address or name the server listens on (`--host`).
    ///   - allowed: The names given with `--allowed-host`; each must pass `problem(withName:)`.
    init(listeningOn host: String, allowed: [String] = []) {
        var names: Set<String> = ["localhost"]
        for name in [host] + allowed {
            if case .name(let name) = Self.parse(host: name) { names.insert(name) }
        }
        self.names = names
    }

    /// Why `name` cannot be given to `--allowed-host`, or `nil` when it can: a DNS name or an IP address, without a
    /// scheme, port or path.
    public static func problem(withName name: String) -> String? {
        switch parse(host: name) {
        case .name, .address: nil
        case .invalid:
            "--allowed-host '\(name)' is not a host name; give a name such as search.example.org, without a scheme, port or path (an internationalized name in its xn-- form)"
        }
    }

    /// Checks the `Host` of a request.
    ///
    /// - Parameters:
    ///   - authority: The request's host and port (its first `Host` header, or the authority of an absolute-form
    ///     target), `nil` when there was none.
    ///   - repeated: Whether the request carried more than one `Host` header.
    /// - Throws: `ServerError` 421 for a name this server does not answer for, 400 for a missing, repeated or
    ///   malformed `Host`.
    func check(authority: String?, repeated: Bool) throws {
        guard !repeated else {
            throw ServerError(status: .badRequest, message: "the request has more than one Host header; send one")
        }
        guard let authority, !authority.isEmpty else {
            throw ServerError(status: .badRequest, message: "the request has no Host header; HTTP/1.1 requires one, such as Host: 127.0.0.1:8420")
        }
        switch Self.parse(authority: authority) {
        case .address:
            return
        case .name(let name) where names.contains(name):
            return
        case .name(let name):
            throw ServerError(status: .misdirectedRequest, message: """
                this server does not answer for the host name \(quoted: name); use one it was started for \
                (\(fixed: names.sorted().joined(separator: ", ")), or an IP address), or start it with --allowed-host \(input: name)
                """)
        case .invalid:
            throw ServerError(status: .badRequest, message: "the Host header \(quoted: authority) is not a host name or an IP address with an optional port")
        }
    }

    enum Host: Equatable {
        case address
        case name(String)
        case invalid
    }

    /// `host[:port]`, where `host` is a name, an IPv4 address or a bracketed IPv6 address.
    static func parse(authority: String) -> Host {
        var host = Substring(authority)
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            let port = authority[authority.index(after: colon)...]
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }), port.isEmpty || Int(port).map({ $0 <= 65_535 }) == true else {
                return .invalid
            }
            host = authority[..<colon]
        }
        return parse(host: String(host))
    }

    /// A host without a port: `[v6]`, a dotted-quad IPv4 address, or a DNS name (letters, digits, `-`, `_`, dots
    /// between non-empty labels, one final dot allowed), in lower case without the final dot.
    static func parse(host: String) -> Host {
        if host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 {
            return isAddress(String(host.dropFirst().dropLast()), family: AF_INET6) ? .address : .invalid
        }
        if isAddress(host, family: AF_INET) { return .address }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !name.isEmpty, name.utf8.count <= 253,
            labels.allSatisfy({ label in
                !label.isEmpty && label.utf8.count <= 63
                    && label.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
            })
        else { return .invalid }
        return .name(name)
    }

    /// A numeric address in `family`'s one textual form (`inet_pton`: no octal, hex or shortened IPv4).
    private static func isAddress(_ text: String, family: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(family, text, &buffer) == 1
    }
}
