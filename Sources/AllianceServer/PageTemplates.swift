import Mustache

/// The page's Mustache templates, style sheet and script, compiled into the binary so that `alliance-serve` is one
/// file to deploy.
///
/// Every `{{value}}` is escaped by `HTMLText.escape`, through the content type `SCALAR_HTML` that each template and
/// partial declares first. Mustache's own HTML escaping is not used: it looks characters up as grapheme clusters,
/// so a `<` or a `"` joined to a combining or prepended mark (`"\u{301}`, `\u{600}<`) would pass through it raw.
/// The only unescaped insertions, `{{{…}}}`, are fragments built by `HTMLText` (directly, or through `MessageText`).
/// Every value from a request or a document is shown bidi-isolated, in `<bdi>` (in a template, or by
/// `HTMLText.isolated`); `<title>` cannot hold markup, so its value is given without bidi controls. The page works without the script:
/// it only adds the `/` shortcut to the search box. The Content-Security-Policy allows this style sheet and this
/// script, and nothing inline.
enum PageTemplates {
    /// Escapes Unicode scalar by scalar (`HTMLText.escape`).
    struct ScalarHTML: MustacheContentType {
        func escapeText(_ text: String) -> String { HTMLText.escape(text) }
    }

    /// Put before every template and partial: Mustache resets the content type to its own HTML one in each partial.
    static let contentType = "{{% CONTENT_TYPE: SCALAR_HTML}}"

    static let library: MustacheLibrary = {
        // Registered before any template is parsed: the pragma is resolved at parse time.
        MustacheContentTypes.register(ScalarHTML(), named: "SCALAR_HTML")
        var library = MustacheLibrary()
        // The templates are constants of this file: a parse error is a bug that every page test would show.
        for (name, text) in [("head", head), ("searchForm", searchForm), ("foot", foot), ("search", search), ("document", document), ("problem", problem)] {
            try! library.register(contentType + text, named: name)
        }
        return library
    }()

    static let head = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{pageTitle}} · Alliance Search</title>
        <link rel="stylesheet" href="/static/app.css">
        <script src="/static/app.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the results</a>
        <header class="top">
        <p class="brand"><a href="/">Alliance Search</a></p>
        {{> searchForm}}
        </header>
        <main id="main" tabindex="-1">

        """

    static let searchForm = """
        <form class="search" role="search" action="/" method="get">
        <label for="q">Search reports, groups and programmes</label>
        <div class="row">
        <input id="q" name="q" type="search" value="{{query}}" maxlength="1000" autocomplete="off" spellcheck="false" aria-describedby="q-help">
        {{#hiddenFilters}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hiddenFilters}}
        <button type="submit">Search</button>
        </div>
        <p id="q-help" class="help">Words are all required; use "quotes" for a phrase, OR for either, -word to exclude. Press / to come back here.</p>
        </form>
        """

    static let foot = """

        </main>
        <footer class="bottom"><p>Alliance Search · GAATW and its member groups · <a href="/api/health">API status</a></p></footer>
        </body>
        </html>

        """

    static let search = """
        {{> head}}
        {{#hasQuery}}
        <h1>{{{headingHTML}}}</h1>
        <p class="summary" role="status">{{summary}}</p>
        {{#notice}}<p class="notice">{{notice}}</p>{{/notice}}
        {{#suggestion}}<p class="suggestion">Did you mean <a href="{{href}}"><bdi>{{text}}</bdi></a>?</p>{{/suggestion}}
        {{#warnings}}<p class="warning">{{{.}}}</p>{{/warnings}}
        {{#hasActiveFilters}}
        <ul class="chips" aria-label="Filters in use">
        {{#activeFilters}}<li><a href="{{href}}" aria-label="Remove the filter {{label}}">{{heading}}: <bdi>{{value}}</bdi> <span aria-hidden="true">×</span></a></li>{{/activeFilters}}
        </ul>
        {{/hasActiveFilters}}
        <div class="layout">
        {{#hasFacets}}
        <nav class="facets" aria-labelledby="refine">
        <h2 id="refine">Refine</h2>
        {{#facets}}
        <section aria-labelledby="facet-{{key}}">
        <h3 id="facet-{{key}}">{{heading}}</h3>
        <ul>
        {{#values}}<li><a href="{{href}}"{{#active}} aria-current="true"{{/active}}><bdi>{{value}}</bdi></a> <span class="count">{{count}}<span class="visually-hidden"> {{countLabel}}</span></span></li>
        {{/values}}
        </ul>
        </section>
        {{/facets}}
        </nav>
        {{/hasFacets}}
        <section class="hits" aria-labelledby="results-heading">
        <h2 id="results-heading" class="visually-hidden">Results</h2>
        <ol start="{{firstRank}}">
        {{#hits}}
        <li class="hit"{{#lang}} lang="{{lang}}"{{/lang}}>
        <h3><a href="{{href}}"><bdi>{{title}}</bdi></a></h3>
        <p class="meta">{{{detailsHTML}}}</p>
        {{#snippets}}<p class="snippet">{{{.}}}</p>{{/snippets}}
        </li>
        {{/hits}}
        </ol>
        {{#hasPages}}
        <nav class="pager" aria-label="Pages of results">
        {{#previous}}<a rel="prev" href="{{.}}">← Previous</a>{{/previous}}
        <span>{{pageLabel}}</span>
        {{#next}}<a rel="next" href="{{.}}">Next →</a>{{/next}}
        </nav>
        {{/hasPages}}
        </section>
        </div>
        {{/hasQuery}}
        {{^hasQuery}}
        <h1>Search the network's reports and groups</h1>
        <p>Profiles, reports and programme texts of the Global Alliance Against Traffic in Women and its self-organised member groups. Try <a href="/?q=domestic+work">domestic work</a>, <a href="/?q=police+brutality">police brutality</a> or <a href="/?q=trabajo+dom%C3%A9stico">trabajo doméstico</a>.</p>
        <p class="summary">{{summary}}</p>
        {{#warnings}}<p class="warning" role="alert">{{{.}}}</p>{{/warnings}}
        {{/hasQuery}}
        {{> foot}}
        """

    static let document = """
        {{> head}}
        <p class="back"><a href="{{backHref}}">← Back to the results</a></p>
        <article{{#lang}} lang="{{lang}}"{{/lang}}>
        <h1><bdi>{{title}}</bdi></h1>
        <dl class="fields">
        {{#fields}}<div><dt>{{label}}</dt><dd>{{{valueHTML}}}</dd></div>
        {{/fields}}
        </dl>
        {{#hasMarks}}<p class="notice" role="status">{{markSummary}} <a href="#mark-1">Go to the first</a>.</p>{{/hasMarks}}
        {{#hasMarkedPages}}<nav class="pages" aria-label="Pages with a match"><p>On pages: {{#markedPages}}<a href="{{href}}">{{number}}</a> {{/markedPages}}</p></nav>{{/hasMarkedPages}}
        <div class="text">{{{bodyHTML}}}</div>
        </article>
        {{> foot}}
        """

    static let problem = """
        {{> head}}
        <h1>{{heading}}</h1>
        <p class="warning" role="alert">{{{messageHTML}}}</p>
        {{> foot}}
        """

    static let styleSheet = """
        :root { color-scheme: light dark; --accent: #8a1538; --muted: #5b5b5b; --mark: #ffe08a; }
        @media (prefers-color-scheme: dark) { :root { --accent: #ff8fb0; --muted: #b5b5b5; --mark: #6b5300; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, "Noto Sans", "Noto Sans Khmer", "Noto Sans Devanagari", "Noto Sans Bengali", sans-serif; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, main:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: Canvas; padding: .5rem; z-index: 1; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
        .top { padding: 1rem 1.5rem; border-bottom: 1px solid #ccc; }
        .brand { margin: 0 0 .5rem; font-weight: 700; }
        .brand a { text-decoration: none; }
        .search label { display: block; font-weight: 600; }
        .search .row { display: flex; gap: .5rem; max-width: 48rem; }
        .search input[type=search] { flex: 1; font: inherit; padding: .45rem .6rem; }
        .search button { font: inherit; padding: .45rem 1rem; }
        .help { color: var(--muted); font-size: .875rem; margin: .25rem 0 0; }
        main { padding: 1rem 1.5rem; max-width: 72rem; }
        .layout { display: grid; grid-template-columns: 15rem 1fr; gap: 2rem; }
        @media (max-width: 48rem) { .layout { grid-template-columns: 1fr; } }
        .facets h2 { font-size: 1.1rem; }
        .facets h3 { font-size: .95rem; margin: 1rem 0 .25rem; }
        .facets ul, .chips { list-style: none; padding: 0; margin: 0; }
        .facets a[aria-current] { font-weight: 700; }
        .count { color: var(--muted); font-size: .875rem; }
        .chips { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; }
        .chips a { border: 1px solid var(--accent); border-radius: 1rem; padding: 0 .6rem; text-decoration: none; }
        .hits ol { padding-left: 1.5rem; }
        .hit { margin-bottom: 1.25rem; }
        .hit h3 { margin: 0; font-size: 1.1rem; }
        .meta { color: var(--muted); font-size: .875rem; margin: .1rem 0; }
        .snippet { margin: .25rem 0; }
        mark { background: var(--mark); color: inherit; }
        .notice, .suggestion { font-style: italic; }
        .warning { border-left: 4px solid var(--accent); padding-left: .5rem; }
        .pager { display: flex; gap: 1rem; align-items: center; }
        .fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
        .fields div { display: contents; }
        .fields dt { font-weight: 600; }
        .fields dd { margin: 0; }
        .text { white-space: pre-wrap; max-width: 48rem; }
        .page { border-top: 1px solid #ccc; margin-top: 1rem; }
        .page-number { color: var(--muted); font-size: .875rem; white-space: normal; }
        .bottom { padding: 1rem 1.5rem; color: var(--muted); font-size: .875rem; }

        """

    static let script = """
        // Progressive enhancement only: every feature of the page works without this file.
        // "/" moves the focus to the search box, as on many search sites, unless the user is typing in a field.
        document.addEventListener("keydown", function (event) {
          if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
          var target = event.target;
          if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) { return; }
          var box = document.getElementById("q");
          if (box) { event.preventDefault(); box.focus(); box.select(); }
        });

        """
}
