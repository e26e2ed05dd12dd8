/// A 64-bit FNV-1a hash, used to tell whether a file or a document changed since the last ingest.
///
/// It is not a cryptographic hash: it detects edits, it does not resist forgery, and the index never trusts it for
/// anything else. It is stable across runs and platforms, unlike Swift's `Hasher`.
public struct ContentHasher: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            state ^= UInt64(byte)
            state &*= 0x0000_0100_0000_01b3
        }
    }

    public mutating func combine(_ string: String) {
        combine(bytes: string.utf8)
    }

    /// Sixteen lowercase hexadecimal digits.
    public var hexDigest: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
