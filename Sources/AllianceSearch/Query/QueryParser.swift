import Foundation

/// Reads what a user typed into clauses: words, and phrases in double quotes. Words are ANDed.
///
/// Parsing never fails. What it had to reinterpret is returned as warnings: a quote left open is closed at the end
/// of the text, control characters are dropped.
public enum QueryParser {
    /// The clauses of `text`, in order, and the warnings about what was reinterpreted.
    public static func parse(_ text: String) -> (clauses: [QueryClause], warnings: [String]) {
        var clauses: [QueryClause] = []
        var warnings: [String] = []
        var current = ""
        var inPhrase = false
        var droppedControl = false

        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { clauses.append(QueryClause(inPhrase ? .phrase : .word, trimmed)) }
            current = ""
        }

        for character in text {
            if character == "\"" {
                flush()
                inPhrase.toggle()
            } else if character.isWhitespace && !inPhrase {
                flush()
            } else if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                if character.isWhitespace { current.append(" ") } else { droppedControl = true }
            } else {
                current.append(character)
            }
        }
        if inPhrase {
            warnings.append("a double quote was not closed; the phrase runs to the end of the query")
        }
        flush()
        if droppedControl { warnings.append("control characters in the query were ignored") }
        return (clauses, warnings)
    }
}
