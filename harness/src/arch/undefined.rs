//! A deliberate undefined-instruction exception, for the self-test cases and sp commands that
//! check how a fault becomes an outcome.

/// Executes `udf #0`: the exception vectors the image installed take it (the ns image's
/// report the running case as `crash`, the sp's answer the request being served `Faulted`).
pub fn raise_undefined_instruction() {
    // SAFETY: `udf` touches no memory, register or stack; it only raises an
    // undefined-instruction exception, which the installed vectors handle (see `fault`).
    unsafe { core::arch::asm!("udf #0", options(nomem, nostack)) };
}
