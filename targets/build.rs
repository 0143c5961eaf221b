//! Links the bare-metal images with their linker scripts (only when building for a
//! `target_os = "none"` target; host builds of this crate are stubs).
fn main() {
    println!("cargo::rerun-if-changed=ld");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("none") {
        return;
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    for bin in ["ns"] {
        println!("cargo::rustc-link-arg-bin={bin}=-T{dir}/ld/{bin}.ld");
        // linkme's __start_/__stop_ symbols must survive --gc-sections under rust-lld.
        println!("cargo::rustc-link-arg-bin={bin}=-znostart-stop-gc");
    }
}
