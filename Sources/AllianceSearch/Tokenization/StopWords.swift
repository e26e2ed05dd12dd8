import Foundation

/// Function words of each stemmed language, lower-case and without accents, as the tokenizer leaves them.
///
/// They are not removed from the index: a phrase such as "violence against women" needs them. They are used where
/// a word's meaning matters more than its presence:
/// - a question typed in natural language is searched by its content words (`QueryReading`);
/// - pseudo-relevance feedback never picks one as an expansion word (`RelevanceFeedback`);
/// - a document with no `languages` metadata is guessed to be in the language whose function words it uses most
///   (`StemmingLanguage.guess(from:)`).
///
/// The lists are short on purpose: articles, pronouns, prepositions, conjunctions, auxiliaries and question words.
/// A content word that is merely frequent in one collection ("system", "data") is left to BM25's IDF.
public enum StopWords {
    /// Whether `word` (lower-case, accents removed) is a function word of `language`.
    public static func contains(_ word: String, in language: StemmingLanguage) -> Bool {
        lists[language]?.contains(word) ?? false
    }

    /// The languages `word` (lower-case, accents removed) is a function word of, as a bit set over
    /// `StemmingLanguage.allCases`: one hash lookup for all of them.
    static func languageMask(_ word: String) -> UInt8 {
        masks[word] ?? 0
    }

    private static let masks: [String: UInt8] = {
        var masks: [String: UInt8] = [:]
        for (index, language) in StemmingLanguage.allCases.enumerated() {
            for word in lists[language] ?? [] { masks[word, default: 0] |= 1 << index }
        }
        return masks
    }()

    /// Whether `word` is a function word of any stemmed language.
    public static func containsInAny(_ word: String) -> Bool {
        all.contains(word)
    }

    /// Whether `text`, as a user typed it, is a function word of any stemmed language: compared lower-case, with
    /// the accents of Latin letters removed (`Qué` is `que`).
    public static func isStopWord(_ text: String) -> Bool {
        all.contains(fold(text))
    }

    private static let all: Set<String> = lists.values.reduce(into: Set<String>()) { $0.formUnion($1) }

    private static let lists: [StemmingLanguage: Set<String>] = [
        .english: words("""
            a about above after again against all am an and any are as at be because been before being below
            between both but by can could did do does doing down during each few for from further had has have
            having he her here hers herself him himself his how i if in into is it its itself just me more most my
            myself no nor not now of off on once only or other our ours ourselves out over own same she should so
            some such than that the their theirs them themselves then there these they this those through to too
            under until up upon very was we were what when where which while who whom whose why will with would
            you your yours yourself yourselves also may might must shall via whether within without among amongst
            etc e g ie eg per s t
            """),
        .spanish: words("""
            a al algo algun alguna algunas alguno algunos ante antes como con contra cual cuales cuando de del desde
            donde durante e el ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba estan estar
            estas este esto estos fue fueron ha han hasta hay la las le les lo los mas me mi mis mucho muy ni no nos
            nosotras nosotros o os otra otras otro otros para pero poco por porque que quien quienes se sea ser si
            sin sobre son su sus tambien te tiene tienen todo todos tu tus un una unas uno unos y ya yo
            """),
        .indonesian: words("""
            ada adalah agar akan aku anda apa atau bagi bahwa banyak belum beberapa bisa dalam dan dari dengan di
            dia ini itu jika juga kami kamu kita ke kepada karena ketika lain lebih mereka namun oleh pada para
            saat saja sama sangat sebagai sebuah secara sedang sejak seperti serta setelah sudah tanpa telah tentang
            tersebut tetapi untuk yang
            """),
        .nepali: words("""
            र वा पनि छ छन् हो होइन यो त्यो यी ती को का की ले लाई मा बाट देखि सम्म भन्दा भने तर कि जुन जो
            गर्न गरेको गरिएको हुन हुने भएको थियो थिए एक अनि
            """),
    ]

    /// Words that ask rather than say what is wanted, in a question typed in natural language: "I am looking for
    /// reports that describe …", "busco documentos sobre …". Only a question (`QueryNode.isQuestion`) loses them: in
    /// a short query, "report" may be the point.
    public static func isRequestWord(_ text: String) -> Bool {
        requestWords.contains(fold(text))
    }

    private static let requestWords = words("""
        article articles paper papers document documents report reports publication publications interested
        want wants like would find finding looking describe describes describing discuss discusses discussing
        identify relevant example examples regarding concerning especially particularly please need know
        articulo articulos documento documentos informe informes publicacion publicaciones interesa busco buscar
        quiero sobre acerca ejemplos especialmente
        artikel dokumen laporan publikasi mencari cari ingin tentang mengenai contoh terutama
        """)

    /// Lower-case, without the accents of Latin letters.
    private static func fold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
        where !(0x300...0x36F).contains(scalar.value) {
            folded.append(scalar)
        }
        return String(folded).precomposedStringWithCanonicalMapping
    }

    private static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isWhitespace).map(String.init))
    }
}
