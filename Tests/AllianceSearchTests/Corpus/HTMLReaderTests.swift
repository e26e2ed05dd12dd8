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

    @Test func aFileWithNoHTMLIsAnError() {
        let reading = HTMLReader.read(Data(), path: "empty.html", defaultID: "empty")
        #expect(reading.documents.isEmpty)
        #expect(reading.errors.map(\.description) == ["empty.html: no HTML document in it; is it a saved web page?"])
    }
}
