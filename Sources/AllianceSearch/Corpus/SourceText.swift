import Foundation

/// Turns a file's bytes into text, or says exactly where they stop being UTF-8.
///
/// A UTF-8 byte-order mark is dropped and line endings are normalised to `\n`, so that line numbers in error
/// messages match what an editor shows.
enum SourceText {
    /// Decodes `data` as UTF-8.
    ///
    /// - Throws: `CorpusError` naming the line and byte offset of the first invalid byte sequence.
    static func decode(_ data: Data, path: String) throws -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let offset = firstInvalidUTF8Offset(bytes) {
            let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw CorpusError(
                path: path, line: line,
                message: "invalid UTF-8 at byte \(offset); re-save the file as UTF-8 (for example with `iconv -t UTF-8`)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
    }

    /// The byte offset of the first sequence that is not valid UTF-8, or `nil` when all of it is.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }
}
