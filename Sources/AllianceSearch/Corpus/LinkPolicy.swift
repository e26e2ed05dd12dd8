import Foundation

/// Which files an ingest may read: those under the folders and files it was given (resolved through links), or,
/// with `--follow-links`, any.
///
/// The scanner lists only the files it allows, and every file read afterwards is checked again on the descriptor it
/// was opened with (`FileKind.openForReading(_:within:)`), so that a link re-pointed between the two, or a folder
/// swapped for a link, does not bring a file from elsewhere into the index.
public struct LinkPolicy: Sendable, Equatable {
    /// The resolved roots, or `nil` for anywhere.
    let roots: [String]?

    /// Any file, wherever links lead.
    public static let anywhere = LinkPolicy(roots: nil)

    /// Files under `roots` (absolute, links in them resolved here) unless `followLinks`.
    init(roots: [String], followLinks: Bool) {
        guard !followLinks else {
            self.roots = nil
            return
        }
        var allowed: [String] = []
        for root in roots {
            let resolved = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
            allowed.append(resolved)
            // A document named on its own brings the sidecar beside it (the file of that name, not a link's target).
            if FileKind.at(resolved).isRegular, DocumentFormat(fileName: (resolved as NSString).lastPathComponent)?.takesSidecar == true {
                let stem = (resolved as NSString).deletingPathExtension
                allowed += [stem + ".yaml", stem + ".yml"]
            }
        }
        self.roots = allowed
    }

    private init(roots: [String]?) {
        self.roots = roots
    }

    /// Whether the file at the resolved path `target` may be read.
    func allows(_ target: String) -> Bool {
        roots?.contains { CorpusScanner.isPath(target, under: $0) } ?? true
    }
}
