import Foundation
import Testing
@testable import AllianceSearch

/// Saved web pages through libxml2's HTML parser: the text a reader sees, its title, and nothing of the scripts,
/// styles, navigation or markup.
struct HTMLReaderTests {
    private func read(_ html: String, encoding: String.Encoding = .utf8) throws -> Document {
        let reading = HTMLReader.read(html.data(using: encoding)!, path: "site/page.html", defaultID: "site/page")
        #expect(reading.errors.isEmpty, "\(reading.errors)")
        return try #require(reading.documents.first)
    }

    @Test func theVisibleTextAndNothingElse() throws {
        let document = try read("""
            <!DOCTYPE html>
            <html lang="es-CO">
            <head>
              <meta charset="utf-8"><title>Trabajadoras del hogar &amp; derechos</title>
              <meta name="author" content="SINTRASEDOM"><meta name="description" content="Un sindicato de Colombia.">
              <style>.zqxstyle { color: red }</style>
              <script>var zqxscript = "<p>not text</p>";</script>
            </head>
            <body>
              <nav><a href="/">Inicio</a> | <a href="/zqxnav">Contacto</a></nav>
              <div role="navigation">zqxrole</div>
              <header><h1>Trabajadoras del hogar &amp; derechos</h1></header>
              <main>
                <p>El   sindicato
                   defiende a las <b>trabajadoras</b>&nbsp;domésticas.<br>Desde 2013.</p>
                <ul><li>Salario justo</li><li>Seguridad social</li></ul>
                <pre>línea 1
              línea 2</pre>
                <p hidden>zqxhidden</p><p aria-hidden="true">zqxaria</p>
                <noscript>zqxnoscript</noscript><template>zqxtemplate</template>
                <form><button>zqxbutton</button></form>
              </main>
              <footer>© zqxfooter</footer>
            </body>
            </html>
            """)
        #expect(document.title == "Trabajadoras del hogar & derechos")
        #expect(document.type == "page")
        #expect(document.metadata["languages"]?.textList == ["es"])
        #expect(document.metadata["author"]?.text == "SINTRASEDOM")
        #expect(document.metadata["description"]?.text == "Un sindicato de Colombia.")
        // `&nbsp;` is white space like any other: collapsed to one space.
        #expect(document.body == """
            El sindicato defiende a las trabajadoras domésticas.
            Desde 2013.
            Salario justo
            Seguridad social
            línea 1
              línea 2
            """)
        #expect(!document.body.contains("zqx"))
    }

    @Test func aPageWithoutATitleTakesItsFirstHeadingAndThenItsFileName() throws {
        #expect(try read("<html><body><h1>Informe anual</h1><p>Texto.</p></body></html>").title == "Informe anual")
        #expect(try read("<p>Only text, no markup around it.</p>").title == "page")
    }

    @Test func brokenMarkupIsRecovered() throws {
        let document = try read("<html><title>Broken</title><body><p>One<p>Two <b>bold <i>both</b> italic</i><div>Three")
        #expect(document.body == "One\nTwo bold both italic\nThree")
    }

    /// A declared character set is honoured; a page that declares none is taken as UTF-8.
    @Test func characterSets() throws {
        let latin = try read("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><title>Café</title></head><body><p>Niño</p></body></html>", encoding: .isoLatin1)
        #expect(latin.title == "Café" && latin.body == "Niño")
        let undeclared = try read("<html><title>សិទ្ធិស្ត្រី</title><body><p>घरेलु कामदार, গৃহকর্মী.</p></body></html>")
        #expect(undeclared.title == "សិទ្ធិស្ត្រី" && undeclared.body == "घरेलु कामदार, গৃহকর্মী.")
        // A script's charset attribute declares nothing about the page.
        let script = try read("<html><head><script charset=\"utf-8\" src=\"a.js\"></script><title>Niño</title></head><body><p>Señora</p></body></html>")
        #expect(script.title == "Niño" && script.body == "Señora")
    }

    /// A page nested `depth` deep, each level holding a word, then `after` at the top level.
    private static func nested(_ depth: Int, after: String = "<p>zqxafter</p>") -> Data {
        var html = "<html><body><p>zqxbefore</p>\n"
        for level in 0..<depth { html += "<div>w\(level) " }
        html += "zqxdeepest\n" + String(repeating: "</div>", count: depth) + after + "</body></html>"
        return Data(html.utf8)
    }

    /// libxml2 2.9 stopped at 256 levels and dropped the rest without a word (126 KB of a 50 MB page indexed).
    /// Deeper pages are read whole up to `HTMLTree.maximumDepth`; past it, the loss is a warning with its line.
    @Test func deepPagesAreReadWholeUpToTheBoundAndBeyondItAWarningSaysSo() throws {
        let deep = HTMLReader.read(Self.nested(300), path: "deep.html", defaultID: "deep")
        #expect(deep.errors.isEmpty && deep.warnings.isEmpty, "\(deep.errors) \(deep.warnings)")
        let body = try #require(deep.documents.first?.body)
        #expect(body.contains("w299 zqxdeepest") && body.contains("zqxafter"))

        let tooDeep = HTMLReader.read(Self.nested(10_000), path: "deeper.html", defaultID: "deeper")
        let document = try #require(tooDeep.documents.first)
        // `html` and `body` are two of the levels: the last `div` read is the 510th.
        #expect(document.body.hasSuffix("\nw\(HTMLTree.maximumDepth - 3)") && !document.body.contains("zqxafter"))
        #expect(tooDeep.warnings.map(\.description) == [
            "deeper.html:2: elements nested more than 512 deep: the text from this line on is not indexed; flatten the page's markup",
        ])
    }

    /// Other ways libxml2 loses text: each is a warning on the document, which keeps what was read.
    @Test(arguments: [
        ("<html><body><p>zqxkept</p><!-- never closed <p>zqxlost</p></body></html>", "site/page.html: a comment (<!--) is never closed"),
        ("<html><body><p>zqxkept</p><a href=\"x>zqxlost</a> <p>more</p></body></html>", "site/page.html: an attribute value is never closed"),
        ("<html><head><meta charset=\"x-nonsense\"></head><body><p>zqxkept</p></body></html>", "site/page.html:1: a character set libxml2 does not know"),
    ])
    func libxml2sLossesAreWarnings(html: String, warning: String) throws {
        let reading = HTMLReader.read(Data(html.utf8), path: "site/page.html", defaultID: "site/page")
        #expect(reading.errors.isEmpty)
        #expect(try #require(reading.documents.first).body.contains("zqxkept"))
        #expect(reading.warnings.count == 1)
        #expect(reading.warnings.first?.description.hasPrefix(warning) == true, "\(reading.warnings)")
    }

    /// Bytes a declared character set cannot convert stop libxml2; bad UTF-8 switches it to Latin-1.
    @Test func bytesTheCharacterSetCannotReadAreWarnings() throws {
        // 0x81 is no character in Windows-1252.
        let windows = Array("<html><head><meta charset=\"windows-1252\"></head><body><p>caf".utf8) + [0xE9]
            + Array("</p>\n<p>bad ".utf8) + [0x81] + Array(" zqxlost</p></body></html>".utf8)
        let converted = HTMLReader.read(Data(windows), path: "w.html", defaultID: "w")
        #expect(try #require(converted.documents.first).body.hasPrefix("café"))
        #expect(converted.warnings.map(\.description) == [
            "w.html: bytes that are not valid in the character set the page declares: the text from the first of them on is not indexed; re-save the page as UTF-8",
        ])

        let utf8 = Array("<html><head><meta charset=\"utf-8\"></head><body><p>café</p>\n<p>bad ".utf8) + [0xFF]
            + Array(" naïve</p></body></html>".utf8)
        let garbled = HTMLReader.read(Data(utf8), path: "u.html", defaultID: "u")
        #expect(garbled.warnings.map(\.description) == [
            "u.html:2: bytes that are not valid UTF-8, at column 8: libxml2 reads the rest of the page as Latin-1, so its text may be garbled; re-save the page as UTF-8",
        ])
    }

    /// A text node over 10 MB was libxml2's other silent stop; white space collapses, so the page is within bounds.
    @Test func aHugeTextNodeIsRead() throws {
        let html = "<html><body><p>a" + String(repeating: " ", count: 12 << 20) + "b</p><p>zqxafter</p></body></html>"
        let reading = HTMLReader.read(Data(html.utf8), path: "huge.html", defaultID: "huge")
        #expect(reading.warnings.isEmpty && reading.errors.isEmpty)
        #expect(try #require(reading.documents.first).body == "a b\nzqxafter")
    }

    /// The bounds on elements and on markup errors stop the parse with a warning, keeping what was read.
    @Test(arguments: [
        (String(repeating: "<b>x</b>", count: HTMLTree.maximumElements + 10), "more than 1000000 elements: the text from this line on is not indexed; split the page"),
        (String(repeating: "</x>", count: HTMLTree.maximumErrors + 10), "more than 1000000 markup errors: the text from this line on is not indexed; repair the page's markup"),
    ])
    func boundsOnElementsAndErrorsAreWarnings(middle: String, warning: String) throws {
        let html = "<html><body><p>zqxkept</p>\n" + middle + "<p>zqxlost</p></body></html>"
        let reading = HTMLReader.read(Data(html.utf8), path: "big.html", defaultID: "big")
        let body = try #require(reading.documents.first).body
        #expect(body.hasPrefix("zqxkept") && !body.contains("zqxlost"))
        #expect(reading.warnings.map(\.description) == ["big.html:2: " + warning])
    }

    /// `<pre>` keeps its lines whichever line ending the page uses.
    @Test func preformattedLinesEndAtEveryLineBreak() throws {
        #expect(try read("<html><body><pre>one\r\ntwo\rthree\nfour</pre></body></html>").body == "one\ntwo\nthree\nfour")
    }

    @Test func aFileWithNoHTMLIsAnError() {
        let reading = HTMLReader.read(Data(), path: "empty.html", defaultID: "empty")
        #expect(reading.documents.isEmpty)
        #expect(reading.errors.map(\.description) == ["empty.html: no HTML document in it; is it a saved web page?"])
    }
}
