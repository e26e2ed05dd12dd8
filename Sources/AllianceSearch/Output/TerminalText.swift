/// The one rule for text that reaches a terminal: what a document, a file name or a query holds is shown, never obeyed.
///
/// A terminal acts on control characters: ESC and C1's CSI (U+009B) start sequences that recolour, move the cursor,
/// set the window title (`ESC ] 0 ; … BEL`) or, on some terminals, write to the clipboard; a lone carriage return
/// moves back and overwrites; the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
/// reorder the rest of the line, so that what is shown is not what is there. Each of these becomes one visible
/// character, so that offsets counted in scalars (a snippet's highlights) still hold:
///
/// - C0 controls and DEL: their Control Pictures (`␛` for ESC, `␇` for BEL, `␍` for a lone carriage return, `␡`);
/// - C1 controls and the bidirectional controls: U+FFFD `�`.
///
/// Line feeds and tabs are kept, as is the carriage return of a `\r\n` (it overwrites nothing). The text renderer
/// and the executables' standard-error writer both use it; JSON output escapes by itself, and CSV and TSV are data
/// for programs, written exactly.
public enum TerminalText {
    /// `text` with every character a terminal would act on made visible.
    public static func visible(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return String(text) }
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                result.append(scalar)
            } else {
                result.append(shown(scalar))
            }
        }
        return String(result)
    }

    /// `text` on one line: its line breaks (any of them, `\r\n` included) become single spaces. Apply it to text that
    /// is already `visible`.
    public static func oneLine(_ text: some StringProtocol) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Whether a terminal would act on `scalar` rather than show it.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// The visible stand-in for `scalar`, or `scalar` itself when it is safe.
    private static func shown(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x0A, 0x09: scalar
        case 0x00...0x1F: Unicode.Scalar(0x2400 + scalar.value)!
        case 0x7F: "\u{2421}"
        case _ where isControl(scalar): "\u{FFFD}"
        default: scalar
        }
    }
}

/// Text this program writes to a terminal to control it (the ingest progress line and the sequence that clears it),
/// kept apart from `String` so that it is never mistaken for text to make `TerminalText.visible`.
public struct TerminalControl: Sendable, Hashable {
    /// The bytes to write, control characters included.
    public let text: String

    init(_ text: String) {
        self.text = text
    }
}
