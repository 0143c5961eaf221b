//! Links each bare-metal image with its linker script, `ld/<bin>.ld` (only when building for
//! a `target_os = "none"` target; host builds of this crate are stubs).
fn main() {
    println!("cargo::rerun-if-changed=ld");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("none") {
        return;
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let scripts = std::fs::read_dir(format!("{dir}/ld")).expect("targets/ld holds the linker scripts");
    for script in scripts.flatten() {
        let path = script.path();
        let Some(bin) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        println!("cargo::rustc-link-arg-bin={bin}=-T{}", path.display());
        // linkme's __start_/__stop_ symbols must survive --gc-sections under rust-lld.
        println!("cargo::rustc-link-arg-bin={bin}=-znostart-stop-gc");
    }
}
