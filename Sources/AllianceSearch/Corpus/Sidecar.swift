import Foundation

/// The YAML file beside a PDF or a saved web page, with the same stem (`report.pdf` + `report.yaml`): fields that
/// override what the file says of itself (a PDF's title) and add what it cannot say (`type`, `issues`, `country`,
/// `languages`, an `id`).
///
/// The scanner folds the sidecar's size and date into its file's (`SourceFile`), and the manifest's hash covers
/// both, so that editing only the sidecar re-reads the file.
enum Sidecar {
    /// The most bytes a sidecar may hold: it is metadata.
    static let maximumBytes = 1 << 20

    /// The corpus's own YAML files, never a sidecar (`issues.pdf` does not take `issues.yaml`).
    static let reserved: Set<String> = ["issues", "concepts"]

    /// The sidecar of the file at `path`: `stem.yaml`, else `stem.yml`, when it is a regular file that `policy`
    /// allows (a link out of the folders ingested is not a sidecar; the scanner warns of it).
    static func path(for path: String, within policy: LinkPolicy = .anywhere) -> String? {
        let stem = (path as NSString).deletingPathExtension
        guard !reserved.contains((stem as NSString).lastPathComponent) else { return nil }
        for candidate in [stem + ".yaml", stem + ".yml"] where FileKind.at(candidate).isRegular {
            guard policy == .anywhere || FileKind.realPath(candidate).map(policy.allows) == true else { return nil }
            return candidate
        }
        return nil
    }

    /// The fields of the sidecar at `path` (shown as `display` in errors), with the line each is set on.
    ///
    /// - Throws: `CorpusError` naming the sidecar: unreadable, too large, not UTF-8, or invalid YAML.
    static func fields(at path: String, display: String, within policy: LinkPolicy = .anywhere) throws -> FrontMatter {
        let handle: FileHandle
        do {
            handle = FileHandle(fileDescriptor: try FileKind.openForReading(path, within: policy), closeOnDealloc: true)
        } catch let refusal as FileKind.Refusal {
            throw CorpusError(path: display, message: "cannot read this sidecar: \(refusal.reason)")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes else {
            throw CorpusError(path: display, message: "too large for a sidecar (over 1 MB); it holds metadata only")
        }
        return try FrontMatter(yaml: try SourceText.decode(data, path: display), path: display)
    }

    /// A read sidecar and the path its errors name.
    struct Loaded {
        var frontMatter: FrontMatter
        var display: String
    }

    /// Reads the sidecar at `sidecarPath`, if any, naming it beside `display` (the path shown for its file).
    ///
    /// - Throws: `CorpusError` naming the sidecar.
    static func load(_ sidecarPath: String?, beside display: String, within policy: LinkPolicy = .anywhere) throws -> Loaded? {
        guard let sidecarPath else { return nil }
        let shown = ((display as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent((sidecarPath as NSString).lastPathComponent)
        return Loaded(frontMatter: try fields(at: sidecarPath, display: shown, within: policy), display: shown)
    }

    /// The document of a PDF or HTML page: the fields the file gives of itself (`own`, its title falling back to the
    /// file's name), the sidecar's over them, and `body`, in NFC.
    ///
    /// - Throws: `CorpusError`; one in a field the sidecar set names the sidecar and its line.
    static func document(
        own: [String: JSONValue], sidecar: Loaded?, body: String, display: String, defaultID: String
    ) throws -> Document {
        var fields = own
        if fields["title"] == nil {
            fields["title"] = .string(((display as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
        for (key, value) in sidecar?.frontMatter.fields ?? [:] { fields[key] = value }
        do {
            return try DocumentReader.document(
                from: &fields, body: body, path: display, line: 1, defaultID: defaultID,
                lineOfField: { sidecar?.frontMatter.lines[$0] ?? 1 }
            ).normalized
        } catch let error as CorpusError {
            guard let sidecar else { throw error }
            throw CorpusError(path: sidecar.display, line: error.line, message: error.message)
        }
    }
}
