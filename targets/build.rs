//! Links each bare-metal image with its linker script, `ld/<bin>.ld`, which sets the image's
//! base and includes the layout both share, `ld/image.lds` (only when building for a
//! `target_os = "none"` target; host builds of this crate are stubs).
fn main() {
    println!("cargo::rerun-if-changed=ld");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("none") {
        return;
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let scripts = std::fs::read_dir(format!("{dir}/ld")).expect("targets/ld holds the linker scripts");
    for script in scripts.flatten() {
        let path = script.path();
        if path.extension().and_then(|e| e.to_str()) != Some("ld") {
            continue;
        }
        let Some(bin) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        println!("cargo::rustc-link-arg-bin={bin}=-L{dir}/ld");
        println!("cargo::rustc-link-arg-bin={bin}=-T{}", path.display());
        // linkme's __start_/__stop_ symbols must survive --gc-sections under rust-lld.
        println!("cargo::rustc-link-arg-bin={bin}=-znostart-stop-gc");
    }
}
