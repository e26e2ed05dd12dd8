import CLibXML2
import Foundation

/// A saved page as libxml2's HTML parser reads it, within bounds a hostile page cannot get past, and with what the
/// parser could not read: text is never lost without a `Loss` saying so.
///
/// libxml2 2.9's own bound is 256 levels of nesting: past it, it stops and keeps what it has read, silently when
/// errors are off. `XML_PARSE_HUGE` lifts that bound (and the 10 MB bound on one text node), so the page is read with
/// it, and with bounds of our own, each reported as a loss:
///
/// - `maximumDepth`: libxml2 looks for the open element an end tag closes through every open element, so each stray
///   end tag costs the depth. Measured on 64 MB of stray end tags (libxml2 2.9.14): 6 s under 250 open elements,
///   20 s under 1,000, and quadratic without a bound (100,000 deep: a few thousand end tags take seconds, millions
///   hours). Real pages stay far below: at most 25 deep over 3,000 pages of Debian and Rust documentation.
/// - `maximumElements`: each element costs libxml2 about 180 bytes with its text (1,000,000 elements: 360 MB, 4 s);
///   the largest real page measured had 182,081 elements (Node.js's all-in-one API page, 8.4 MB).
/// - `maximumErrors`: every markup error is formatted and handed over; a page of nothing but errors is not a page.
///   HTML5 elements libxml2 does not know are errors to it: real pages had up to 34,532 (the Rust reference, 4.9 MB).
///
/// Freeing the tree does not recurse in libxml2 2.9.14 (1,000,000 levels freed in 0.2 s), and the reader walks it
/// with a stack of its own.
final class HTMLTree {
    static let maximumDepth = 512
    static let maximumElements = 1_000_000
    static let maximumErrors = 1_000_000

    /// Text the parser did not read, and why.
    struct Loss: Equatable, Sendable {
        /// The page's line where it happened, when libxml2 says.
        var line: Int?
        var message: String
    }

    /// The parsed document; freed with the tree.
    let document: htmlDocPtr
    /// What was not read, at most one of each kind, in the order met.
    let losses: [Loss]

    /// Parses `data`, taking it as `encoding` (a name libxml2 knows), or as the page declares when `nil`; `nil` when
    /// libxml2 finds no document in it.
    init?(data: Data, encoding: String?) {
        let state = ParseState()
        guard let parser = htmlNewParserCtxt() else { return nil }
        defer { htmlFreeParserCtxt(parser) }
        state.startElement = parser.pointee.sax.pointee.startElement
        parser.pointee.sax.pointee.startElement = boundedStartElement
        parser.pointee._private = Unmanaged.passUnretained(state).toOpaque()
        // The handler is per thread in libxml2 (built with threads, as Debian builds it): set for this parse only.
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(state).toOpaque(), recordError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | XML_PARSE_HUGE.rawValue
        let document: htmlDocPtr? = data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            return htmlCtxtReadMemory(parser, base, Int32(bytes.count), nil, encoding, Int32(options))
        }
        withExtendedLifetime(state) {}
        guard let document else { return nil }
        self.document = document
        losses = state.finishedLosses()
    }

    deinit {
        xmlFreeDoc(document)
    }

    /// The root element, if the document has one.
    var root: xmlNodePtr? { xmlDocGetRootElement(document) }
}

/// What one parse has met, shared with libxml2's callbacks through a pointer.
private final class ParseState {
    var startElement: startElementSAXFunc?
    var elements = 0
    var errors = 0
    var losses: [HTMLTree.Loss] = []
    private var kinds: Set<String> = []
    /// A character set conversion failed: libxml2 reads no further, and cannot say where the bytes are.
    var conversionFailed = false

    /// Records a loss, once per kind.
    func lose(_ kind: String, line: Int?, _ message: String) {
        guard kinds.insert(kind).inserted else { return }
        losses.append(HTMLTree.Loss(line: line, message: message))
    }

    func finishedLosses() -> [HTMLTree.Loss] {
        if conversionFailed {
            lose("encoding", line: nil, "bytes that are not valid in the character set the page declares: the text from the first of them on is not indexed; re-save the page as UTF-8")
        }
        return losses
    }

    /// Stops the parse at a bound: what was read is kept, the rest is reported.
    func stop(_ parser: htmlParserCtxtPtr, _ kind: String, _ message: String) {
        lose(kind, line: parser.pointee.input.map { Int($0.pointee.line) }, message)
        xmlStopParser(parser)
    }
}

/// libxml2's start-of-element callback, bounded: past a bound it stops the parse instead of adding the element.
private let boundedStartElement: startElementSAXFunc = { context, name, attributes in
    guard let parser = context?.assumingMemoryBound(to: htmlParserCtxt.self),
        let opaque = parser.pointee._private
    else { return }
    let state = Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue()
    state.elements += 1
    if parser.pointee.nameNr > HTMLTree.maximumDepth {
        return state.stop(parser, "depth", "elements nested more than \(HTMLTree.maximumDepth) deep: the text from this line on is not indexed; flatten the page's markup")
    }
    if state.elements > HTMLTree.maximumElements {
        return state.stop(parser, "elements", "more than \(HTMLTree.maximumElements) elements: the text from this line on is not indexed; split the page")
    }
    state.startElement?(context, name, attributes)
}

/// libxml2's error callback: errors after which text is lost or garbled become losses; the rest is counted.
private let recordError: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    let state = Unmanaged<ParseState>.fromOpaque(context).takeUnretainedValue()
    state.errors += 1
    let line = error.pointee.line > 0 ? Int(error.pointee.line) : nil
    let code = Int(error.pointee.code)
    switch code {
    case Int(XML_I18N_CONV_FAILED.rawValue):
        state.conversionFailed = true
    case Int(XML_ERR_INVALID_ENCODING.rawValue) where state.conversionFailed:
        break  // libxml2 converts ahead of the parse: the line it names is where it switched character sets
    case Int(XML_ERR_INVALID_ENCODING.rawValue):
        state.lose("utf8", line: line, "bytes that are not valid UTF-8, at column \(error.pointee.int2): libxml2 reads the rest of the page as Latin-1, so its text may be garbled; re-save the page as UTF-8")
    case Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue), Int(XML_ERR_UNKNOWN_ENCODING.rawValue):
        state.lose("charset", line: line, "a character set libxml2 does not know: the page's text may be garbled; declare UTF-8 and save the page as UTF-8")
    case Int(XML_ERR_COMMENT_NOT_FINISHED.rawValue):
        state.lose("comment", line: nil, "a comment (<!--) is never closed: the text after it is not indexed, as a browser does not show it; close it with -->")
    case Int(XML_ERR_ATTRIBUTE_NOT_FINISHED.rawValue):
        state.lose("attribute", line: nil, "an attribute value is never closed (a quote is missing): the text after it is not indexed")
    case Int(XML_ERR_NO_MEMORY.rawValue), Int(XML_ERR_INTERNAL_ERROR.rawValue):
        let detail = error.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "an internal error"
        state.lose("libxml2", line: line, "libxml2 stopped (\(detail)): the text from this line on is not indexed")
    default:
        break
    }
    if state.errors == HTMLTree.maximumErrors, let parser = error.pointee.ctxt?.assumingMemoryBound(to: htmlParserCtxt.self) {
        state.stop(parser, "errors", "more than \(HTMLTree.maximumErrors) markup errors: the text from this line on is not indexed; repair the page's markup")
    }
}
