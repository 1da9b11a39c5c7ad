import Glibc

/// NULL-terminated arrays of C strings for libpq's keyword/value APIs.
enum CStringArray {
    /// Lends `first` and `second` as two NULL-terminated `const char *const *` arrays.
    ///
    /// The strings are `strdup`'ed and freed after `body` returns, so the pointers are valid for
    /// exactly the duration of the call (never keep them: that is how older wrappers dangled).
    static func withArrays<R>(
        _ first: [String],
        _ second: [String],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let firstCopies: [UnsafeMutablePointer<CChar>?] = first.map { strdup($0) }
        let secondCopies: [UnsafeMutablePointer<CChar>?] = second.map { strdup($0) }
        defer {
            for pointer in firstCopies + secondCopies {
                free(pointer)
            }
        }
        let firstArray: [UnsafePointer<CChar>?] = firstCopies.map { $0.map { UnsafePointer($0) } } + [nil]
        let secondArray: [UnsafePointer<CChar>?] = secondCopies.map { $0.map { UnsafePointer($0) } } + [nil]
        return firstArray.withUnsafeBufferPointer { firstPointer in
            secondArray.withUnsafeBufferPointer { secondPointer in
                body(firstPointer.baseAddress!, secondPointer.baseAddress!)
            }
        }
    }
}
