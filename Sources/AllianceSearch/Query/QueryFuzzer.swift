/// Hostile query texts, for fuzzing the parser and the engine behind it (`alliance-bench fuzz`, and a short run
/// in the tests): words in the members' scripts, every operator and filter of the query language, quotes and
/// brackets in any order, combining marks without a base, NUL, joiners, and now and then a long run of them.
///
/// It is deterministic: the same seed gives the same texts, so a failure can be replayed.
public struct QueryFuzzer: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The pieces texts are made of.
    static let pieces = [
        "police", "brutality", "domestic", "work", "महिला", "যৌনকর্মী", "trabajadoras", "ពលករ", "pekerja", "🙂", "\"",
        "(", ")", "-", "*", "OR", "AND", "NOT", "NEAR(", "NEAR/", ",", "2", "title:", "issues:", "type:", "year:",
        "country:", "lang:", "issue:", "..", "2004", ":", "'", "+", "^", "{", "}", ".", " ", " ", " ", "\u{0}",
        "\u{200C}", "\u{200D}", "é", "e\u{301}", "\u{301}", "—", "\u{E000}en", "\u{E001}enwork", "\\", "%", "_", ";",
        "--", "/*", "'; DROP TABLE documents; --", "\u{FEFF}", "\u{202E}", "\n", "\t",
    ]

    /// The next text: mostly up to 12 pieces; one in 200 is 2,000 pieces long; one in 50 is random code points.
    public mutating func next() -> String {
        let roll = random() % 200
        if roll == 0 {
            return (0..<2_000).map { _ in Self.pieces[Int(random() % UInt64(Self.pieces.count))] }.joined()
        }
        if roll < 4 {
            let scalars = (0..<(random() % 40)).compactMap { _ in Unicode.Scalar(UInt32(random() % 0x3_0000)) }
            return String(String.UnicodeScalarView(scalars))
        }
        return (0..<(random() % 12)).map { _ in Self.pieces[Int(random() % UInt64(Self.pieces.count))] }.joined()
    }

    /// SplitMix64.
    private mutating func random() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
