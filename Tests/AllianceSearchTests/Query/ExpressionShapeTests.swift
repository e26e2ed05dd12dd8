import Testing
@testable import AllianceSearch

/// What an FTS5 expression asks of the index, read as FTS5 lexes it (`ExpressionShape`), for `--raw`'s bounds.
struct ExpressionShapeTests {
    @Test(arguments: [
        ("police", ["police"], 0, 0, [Int]()),
        ("\"police bru\"*", ["police bru*"], 1, 0, []),
        ("{title aliases} : police", ["police"], 0, 0, []),
        ("title : police OR body:brutal*", ["police", "brutal*"], 1, 0, []),
        ("- body : police", ["police"], 0, 0, []),
        ("NEAR(police brutality, 5)", ["police", "brutality"], 0, 1, [5]),
        ("NEAR(a b,99999999999999999999999)", ["a", "b"], 0, 1, [Int.max]),
        ("police + brutal*", ["police brutal*"], 1, 0, []),
        ("\"say \"\"no\"\"\" now", ["say \"no\"", "now"], 0, 0, []),
        ("((a) OR (b AND NOT c))", ["a", "b", "c"], 0, 2, []),
        ("a*a*a*", ["a*", "a*", "a*"], 3, 0, []),
        ("^police AND \"\"", ["police", ""], 0, 0, []),
        ("émigré 12", ["émigré", "12"], 0, 0, []),
    ])
    func readsAsFTS5Does(expression: String, phrases: [String], prefixes: Int, depth: Int, distances: [Int]) {
        let shape = ExpressionShape(expression)
        #expect(shape.phrases.map { $0.text + ($0.prefix ? "*" : "") } == phrases, "\(expression)")
        #expect(shape.prefixes == prefixes && shape.depth == depth && shape.nearDistances == distances, "\(expression)")
    }
}
