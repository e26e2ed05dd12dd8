/// A search: the user's text and the options that shape the results.
public struct SearchRequest: Sendable, Hashable {
    /// The query as the user typed it.
    public var query: String
    /// How many hits to return (the total is counted regardless).
    public var limit: Int
    /// Hits to skip before the first one returned.
    public var offset: Int
    /// Only documents of these types (`organisation`, `publication`, …); empty means every type.
    public var types: [String]
    public var weights: ColumnWeights

    public init(query: String, limit: Int = 10, offset: Int = 0, types: [String] = [], weights: ColumnWeights = .default) {
        self.query = query
        self.limit = limit
        self.offset = offset
        self.types = types
        self.weights = weights
    }
}
