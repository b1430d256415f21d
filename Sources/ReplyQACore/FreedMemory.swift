/// Gives memory the allocator holds free back to the system between the phases of a run: the
/// checking threads leave pages of freed temporaries behind that would otherwise stay resident.
public enum FreedMemory {
    public static func release() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
// glibc's malloc_trim(3) is declared in <malloc.h>, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
