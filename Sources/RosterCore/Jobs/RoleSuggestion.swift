/// The closest name to a role that did not resolve, for "did you mean" hints.
///
/// A candidate equal but for letter case wins; otherwise the candidate with the smallest
/// Levenshtein distance (ignoring case), if that distance is small enough to be a typo or a near
/// spelling: at most 3, and at most half the longer name. Ties go to the earlier candidate.
public enum RoleSuggestion {
    /// The candidate `name` most likely meant, or `nil` when none is close.
    ///
    /// - Parameters:
    ///   - name: The role name that failed to resolve.
    ///   - candidates: Names that do exist, in order of preference.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let key = name.lowercased()
        if let same = candidates.first(where: { $0.lowercased() == key && $0 != name }) { return same }
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let distance = editDistance(key, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = min(3, max(1, max(key.count, best.name.count) / 2))
        return best.distance <= limit ? best.name : nil
    }

    /// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
