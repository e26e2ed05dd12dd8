import Foundation
import Testing
@testable import AllianceSearch

/// The strict JSON reader of JSONL records and batch lines: every fault named, with its column.
struct JSONParserTests {
    static let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)

    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, 10, #"the key "a" appears twice in one object"#),
        (#"{"x": {"k": 1, "k": 1}}"#, 16, #"the key "k" appears twice"#),
        (deep, JSONParser.maximumDepth + 1, "nested deeper than 512 arrays and objects"),
        (#"{"t": "\ud800"}"#, 8, #"the escape \uD800 is half of a surrogate pair"#),
        (#"{"t": "\ud800\u0041"}"#, 8, #"the escape \uD800 is half of a surrogate pair"#),
        (#"{"t": "x\udc00"}"#, 9, #"the escape \uDC00 is the second half of a surrogate pair"#),
        (#"{"t": "\x"}"#, 8, #"the escape \x is not JSON"#),
        (#"{"t": "\u12G4"}"#, 8, #"\u must be followed by four hex digits"#),
        (#"{"a": 1,}"#, 8, "a trailing comma before }; remove the comma"),
        (#"[1, 2,]"#, 6, "a trailing comma before ]"),
        (#"{"n": 1e400}"#, 7, "the number 1e400 is too large for a 64-bit float"),
        (#"{"n": -1e400}"#, 7, "the number -1e400 is too large"),
        (#"{"n": 1e-400}"#, 7, "the number 1e-400 is too small for a 64-bit float"),
        (#"{"n": 12345678901234567890}"#, 7, "the integer 12345678901234567890 does not fit in 64 bits; write it in quotes"),
        (#"{"n": 012}"#, 7, "the number 012 starts with 0"),
        (#"{"n": 1.}"#, 7, "a decimal point must be followed by a digit"),
        (#"{"n": -}"#, 7, "a minus sign must be followed by a digit"),
        (#"{"n": 1e}"#, 7, "an exponent must have digits"),
        (#"{"a": 1} x"#, 10, "text after the end of the JSON value, from 'x'"),
        ("{\"a\": \"tab\there\"}", 11, "a control character (U+0009) inside a string; write it as an escape such as \\n, \\t or \\u0009"),
        (#"{"a": tru}"#, 7, "'t' where a value was expected; true, false and null are written in lower case"),
        (#"{"a": True}"#, 7, "'T' where a value was expected"),
        (#"{"a" 1}"#, 6, #"no colon after the key "a""#),
        (#"{a: 1}"#, 2, "'a' where a key was expected; keys are strings in double quotes"),
        (#"{"a": "never closed}"#, 7, "this string is never closed"),
        (#"{"a": [1, 2}"#, 12, "'}' after a value in an array; expected , or ]"),
        (#"{"a": 1"#, 8, "the text ends inside an object; it needs a closing }"),
        ("", 1, "no value: the line is empty"),
        // Columns count characters, not bytes.
        (#"{"é": 1, "é": 2}"#, 10, #"the key "é" appears twice"#),
        ("{\"a\": 1}\u{1B}[31m", 9, "from U+001B"),
    ])
    func faultsAreNamedWithTheirColumn(text: String, column: Int, problem: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch let failure as JSONParser.Failure {
            #expect(failure.column == column, "\(text): \(failure)")
            #expect(failure.problem.contains(problem), "\(text): \(failure)")
            #expect(failure.description.hasPrefix("invalid JSON at column \(column): "))
        } catch {
            Issue.record("\(error)")
        }
    }

    /// Valid JSON reads to exactly what `JSONDecoder` made of it, so that documents read before keep their hashes.
    @Test(arguments: [
        "1", "1.0", "1e2", "-0", "-0.0", "0.1", "2.5", "100.000", "1.5e300", "5e-324", "1e20", "9223372036854775807",
        "-9223372036854775808", "0.30000000000000004", "true", "false", "null", #""\ud83d\ude00""#, #""a\u0000b""#,
        #""\/\"\\\b\f\n\r\t""#, #"" é 日本 ""#, "[]", "{}", " [1, 1.0, 2.50] ", #"{"a": [1, {"b": null}], "c": true, "d": "x"}"#,
        String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth),
    ])
    func validJSONReadsAsJSONDecoderReadIt(text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)[...]) == expected)
    }
}
