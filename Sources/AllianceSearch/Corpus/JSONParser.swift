/// Strict JSON (RFC 8259) from UTF-8 bytes into `JSONValue`: the one reader of the JSON users write, JSONL records
/// and `--batch` lines, so that both follow the same rules.
///
/// `JSONDecoder` keeps the first of two equal keys, accepts a trailing comma, and reports every other fault as "not
/// valid JSON". This parser refuses each fault and says what it is and at which column: a duplicate key (named, as
/// front matter names a field set twice), nesting deeper than `maximumDepth`, a bad escape, a lone surrogate, a raw
/// control character in a string, a trailing comma, a number out of range, text after the value.
///
/// Numbers keep the types `JSONDecoder` gave them: a number whose value is whole and fits in 64 bits is `.int`
/// (`1`, `1.0`, `1e2`), any other is `.double`. An integer written without a fraction or exponent that does not fit
/// in 64 bits, and a number a `Double` cannot hold (too large, or too small to be anything but 0), are errors rather
/// than values that silently lose digits.
///
/// The bytes are expected to be UTF-8 (callers check them first and say where they are not); a string holding
/// invalid UTF-8 all the same is read with U+FFFD in its place.
enum JSONParser {
    /// The most arrays and objects one value may nest, as `JSONDecoder` allows: metadata needs a few levels, and the
    /// parser keeps one frame per level.
    static let maximumDepth = 512

    /// What is wrong with the JSON, and where.
    struct Failure: Error, Equatable, CustomStringConvertible {
        /// The 1-based column, counted in Unicode scalars (characters, as an editor counts them).
        var column: Int
        /// What is wrong, and what to do about it.
        var problem: String

        var description: String { "invalid JSON at column \(column): \(problem)" }
    }

    /// The value in `bytes`, which must hold exactly one JSON value (white space around it aside).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var reader = Reader(bytes: bytes)
        let value = try reader.value()
        reader.skipWhiteSpace()
        guard reader.index == bytes.count else {
            throw reader.failure("text after the end of the JSON value, from \(reader.shown(at: reader.index)); a line holds one value", at: reader.index)
        }
        return value
    }

    /// The value in `bytes`.
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0) }
    }

    /// The value in `text`.
    static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse($0) }
    }

    /// `value` in hex, at least four digits: `001B`, `D800`.
    static func code(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A cursor over the bytes; containers are kept on explicit stacks, so a deep value costs no native stack.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The arrays and objects being read, the innermost last.
        struct Containers {
            /// `[` or `{` of each.
            var open: [UInt8] = []
            var arrays: [[JSONValue]] = []
            var objects: [[String: JSONValue]] = []
            /// The key each open object is reading the value of, and where it is.
            var keys: [(name: String, offset: Int)] = []
        }

        /// One value, its arrays and objects read without recursion.
        mutating func value() throws -> JSONValue {
            var containers = Containers()
            while true {
                guard var value = try valueOrOpening(&containers) else { continue }
                // Hand the value to the containers it completes, innermost first.
                while !containers.open.isEmpty {
                    guard let closed = try add(value, to: &containers) else { break }
                    value = closed
                }
                if containers.open.isEmpty { return value }
            }
        }

        /// A value that needs no container, an empty container, or `nil` once a container is opened.
        private mutating func valueOrOpening(_ containers: inout Containers) throws -> JSONValue? {
            skipWhiteSpace()
            guard index < bytes.count else { throw endsEarly(containers.open) }
            switch bytes[index] {
            case .openBrace, .openBracket:
                guard containers.open.count < JSONParser.maximumDepth else {
                    throw failure("nested deeper than \(JSONParser.maximumDepth) arrays and objects; flatten the value", at: index)
                }
                let opener = bytes[index]
                index += 1
                skipWhiteSpace()
                if index < bytes.count, bytes[index] == opener.closer {
                    index += 1
                    return opener == .openBrace ? .object([:]) : .array([])
                }
                containers.open.append(opener)
                if opener == .openBrace {
                    containers.objects.append([:])
                    containers.keys.append(try key())
                } else {
                    containers.arrays.append([])
                }
                return nil
            case .quote: return .string(try string())
            case .minus, UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default:
                throw failure("\(shown(at: index)) where a value was expected (a string in double quotes, a number, true, false, null, an object or an array)", at: index)
            }
        }

        /// Adds `value` to the innermost container and reads what follows it: after a comma (and the next key) `nil`,
        /// after the container's end the container's own value.
        private mutating func add(_ value: JSONValue, to containers: inout Containers) throws -> JSONValue? {
            let container = containers.open[containers.open.count - 1]
            if container == .openBrace {
                let key = containers.keys.removeLast()
                if containers.objects[containers.objects.count - 1].updateValue(value, forKey: key.name) != nil {
                    throw failure("the key \"\(key.name)\" appears twice in one object; keep one of them", at: key.offset)
                }
            } else {
                containers.arrays[containers.arrays.count - 1].append(value)
            }
            skipWhiteSpace()
            guard index < bytes.count else { throw endsEarly(containers.open) }
            let closer = Character(Unicode.Scalar(container.closer))
            if bytes[index] == .comma {
                let comma = index
                index += 1
                skipWhiteSpace()
                if index < bytes.count, bytes[index] == container.closer {
                    throw failure("a trailing comma before \(closer); remove the comma", at: comma)
                }
                if container == .openBrace { containers.keys.append(try key()) }
                return nil
            }
            guard bytes[index] == container.closer else {
                throw failure("\(shown(at: index)) after a value in \(container == .openBrace ? "an object" : "an array"); expected , or \(closer)", at: index)
            }
            index += 1
            containers.open.removeLast()
            return container == .openBrace ? .object(containers.objects.removeLast()) : .array(containers.arrays.removeLast())
        }

        /// An object's key and the colon after it.
        private mutating func key() throws -> (name: String, offset: Int) {
            skipWhiteSpace()
            let offset = index
            guard index < bytes.count else { throw failure("the text ends where a key was expected; an object needs a closing }", at: index) }
            guard bytes[index] == .quote else {
                throw failure("\(shown(at: index)) where a key was expected; keys are strings in double quotes", at: index)
            }
            let name = try string()
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == .colon else {
                throw failure("no colon after the key \"\(name)\"; write \"\(name)\": value", at: index)
            }
            index += 1
            return (name, offset)
        }

        /// A string; `index` is at its opening quote.
        private mutating func string() throws -> String {
            let opening = index
            index += 1
            var result = ""
            var run = index
            while index < bytes.count {
                switch bytes[index] {
                case .quote:
                    result += text(run..<index)
                    index += 1
                    return result
                case .backslash:
                    result += text(run..<index)
                    result.unicodeScalars.append(try escape())
                    run = index
                case 0x00..<0x20:
                    let code = JSONParser.code(UInt32(bytes[index]))
                    throw failure("a control character (U+\(code)) inside a string; write it as an escape such as \\n, \\t or \\u\(code)", at: index)
                default:
                    index += 1
                }
            }
            throw failure("this string is never closed; end it with a double quote", at: opening)
        }

        /// One escape; `index` is at its backslash.
        private mutating func escape() throws -> Unicode.Scalar {
            let start = index
            guard index + 1 < bytes.count else { throw failure("the text ends inside an escape", at: start) }
            let letter = bytes[index + 1]
            index += 2
            switch letter {
            case .quote, .backslash, UInt8(ascii: "/"): return Unicode.Scalar(letter)
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"): break
            default:
                throw failure("the escape \\\(shown(at: start + 1, quoted: false)) is not JSON; the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", at: start)
            }
            let unit = try hexUnit(at: start)
            switch unit {
            case 0xD800...0xDBFF:
                var low: UInt32?
                if index + 1 < bytes.count, bytes[index] == .backslash, bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    low = try hexUnit(at: index - 2)
                }
                guard let low, (0xDC00...0xDFFF).contains(low) else {
                    throw failure("the escape \\u\(JSONParser.code(unit)) is half of a surrogate pair, and no \\uDC00–\\uDFFF escape follows it; escape the whole character (a \\uD800–\\uDBFF escape, then a \\uDC00–\\uDFFF one) or write it as it is", at: start)
                }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            case 0xDC00...0xDFFF:
                throw failure("the escape \\u\(JSONParser.code(unit)) is the second half of a surrogate pair, with no first half before it; escape the whole character or write it as it is", at: start)
            default:
                return Unicode.Scalar(unit)!
            }
        }

        /// The four hex digits after `\u`; `index` is after the `u`, and `start` at the backslash.
        private mutating func hexUnit(at start: Int) throws -> UInt32 {
            var unit: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count, let digit = hexDigit(bytes[index]) else {
                    throw failure("\\u must be followed by four hex digits, as in \\u00e9", at: start)
                }
                unit = unit << 4 | digit
                index += 1
            }
            return unit
        }

        private func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// A number, by RFC 8259's grammar.
        private mutating func number() throws -> JSONValue {
            let start = index
            if bytes[index] == .minus { index += 1 }
            guard index < bytes.count, bytes[index].isDigit else {
                throw failure("a minus sign must be followed by a digit", at: start)
            }
            if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count, bytes[index + 1].isDigit {
                throw failure("the number \(text(start..<digitsEnd(from: index))) starts with 0; write it without leading zeros, or in quotes if it is a code", at: start)
            }
            index = digitsEnd(from: index)
            var whole = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                whole = false
                index += 1
                guard index < bytes.count, bytes[index].isDigit else { throw failure("a decimal point must be followed by a digit", at: start) }
                index = digitsEnd(from: index)
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                whole = false
                index += 1
                if index < bytes.count, bytes[index] == .minus || bytes[index] == .plus { index += 1 }
                guard index < bytes.count, bytes[index].isDigit else { throw failure("an exponent must have digits, as in 1e6", at: start) }
                index = digitsEnd(from: index)
            }
            let literal = text(start..<index)
            if whole {
                guard let value = Int(literal) else {
                    throw failure("the integer \(literal) does not fit in 64 bits; write it in quotes to keep its digits", at: start)
                }
                return .int(value)
            }
            guard let value = Double(literal), value.isFinite else {
                throw failure("the number \(literal) is too large for a 64-bit float", at: start)
            }
            if value == 0, literal.prefix(while: { $0 != "e" && $0 != "E" }).contains(where: { ("1"..."9").contains($0) }) {
                throw failure("the number \(literal) is too small for a 64-bit float (it would be 0)", at: start)
            }
            // A whole value in range is an integer, as `JSONDecoder` read it (`1.0`, `1e2`).
            if value.rounded(.towardZero) == value, value >= -0x1p63, value < 0x1p63 { return .int(Int(value)) }
            return .double(value)
        }

        private func digitsEnd(from start: Int) -> Int {
            var end = start
            while end < bytes.count, bytes[end].isDigit { end += 1 }
            return end
        }

        private mutating func literal(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count,
                word.withUTF8Buffer({ $0.elementsEqual(bytes[index..<index + count]) })
            else {
                throw failure("\(shown(at: index)) where a value was expected; true, false and null are written in lower case, and strings in double quotes", at: index)
            }
            index += count
            return value
        }

        mutating func skipWhiteSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        private func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// The failure at the end of the text, inside the containers in `open`.
        private func endsEarly(_ open: [UInt8]) -> Failure {
            guard let container = open.last else { return failure("no value: the line is empty", at: index) }
            let closer = Character(Unicode.Scalar(container.closer))
            return failure("the text ends inside \(container == .openBrace ? "an object" : "an array"); it needs a closing \(closer)", at: index)
        }

        /// The character at `offset` as a message shows it: quoted, or as U+XXXX when it would not be visible.
        func shown(at offset: Int, quoted: Bool = true) -> String {
            let rest = UnsafeBufferPointer(rebasing: bytes[offset...])
            guard let scalar = String(decoding: rest.prefix(4), as: UTF8.self).unicodeScalars.first else { return "the end" }
            if scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format {
                return "U+" + JSONParser.code(scalar.value)
            }
            return quoted ? "'\(scalar)'" : String(scalar)
        }

        /// A failure at byte `offset`, with its column counted in Unicode scalars.
        func failure(_ problem: String, at offset: Int) -> Failure {
            let before = UnsafeBufferPointer(rebasing: bytes[..<min(offset, bytes.count)])
            // Every byte that is not a UTF-8 continuation byte starts a scalar.
            let column = 1 + before.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            return Failure(column: column, problem: problem)
        }
    }
}

extension UInt8 {
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let minus = UInt8(ascii: "-")
    fileprivate static let plus = UInt8(ascii: "+")

    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    /// The byte that closes the container this byte opens.
    fileprivate var closer: UInt8 { self == .openBrace ? UInt8(ascii: "}") : UInt8(ascii: "]") }
}
