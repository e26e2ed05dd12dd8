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
        let bytes = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let array = [UInt8](bytes)
            let offset = firstInvalidUTF8Offset(array) ?? 0
            let line = array[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw CorpusError(
                path: path, line: line,
                message: "invalid UTF-8 at byte \(offset); re-save the file as UTF-8 (for example with `iconv -t UTF-8`)")
        }
        guard text.utf8.contains(0x0D) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
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
