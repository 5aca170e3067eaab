//! Giving freed memory back to the operating system.
//!
//! glibc keeps freed heap pages in per-thread arenas, so after a large document is closed the
//! process would stay at its peak size. `malloc_trim` releases those pages.

/// Return free heap memory to the OS (glibc); a no-op elsewhere.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only inspects and trims glibc's own free lists; it takes no pointers
    // from us and is documented as safe to call at any time from any thread.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Limit glibc to two heap arenas. Each thread that allocates may otherwise get an arena of its
/// own, and freed memory scattered over many arenas is hard to give back; two serve our load.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes glibc's allocator tuning; called once at startup before the
    // runtime starts its threads.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
