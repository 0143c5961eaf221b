//! Links each bare-metal image with its linker script, `ld/<bin>.ld`, which sets the image's
//! base and includes the layout both share, `ld/image.lds` (only when building for a
//! `target_os = "none"` target; host builds of this crate are stubs). The ns image's base is
//! its platform's: `platform.ld`, written here, includes `ld/platform/<platform>.ld` for the
//! platform feature the build has (none: `qemu-virt`). The sp's base is its SPMC's:
//! `sp-platform.ld` includes `ld/platform/sp-hafnium.ld` with the `hafnium` feature, else
//! `ld/platform/sp-el3-spmc.ld` (TF-A's EL3 SPMC), on QEMU virt; with the `fvp` feature the
//! FVP's `sp-fvp-hafnium.ld` or `sp-fvp-el3-spmc.ld`.
fn main() {
    println!("cargo::rerun-if-changed=ld");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("none") {
        return;
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let chosen: Vec<&str> = ["fvp", "juno", "qemu-virt-gicv2"]
        .into_iter()
        .filter(|p| std::env::var_os(format!("CARGO_FEATURE_{}", p.to_uppercase().replace('-', "_"))).is_some())
        .collect();
    let platform = chosen.first().copied().unwrap_or("qemu-virt");
    std::fs::write(format!("{out}/platform.ld"), format!("INCLUDE {platform}.ld\n")).expect("OUT_DIR is writable");
    let spmc = if std::env::var_os("CARGO_FEATURE_HAFNIUM").is_some() { "hafnium" } else { "el3-spmc" };
    let board = if platform == "fvp" { "fvp-" } else { "" };
    std::fs::write(format!("{out}/sp-platform.ld"), format!("INCLUDE sp-{board}{spmc}.ld\n"))
        .expect("OUT_DIR is writable");
    let scripts = std::fs::read_dir(format!("{dir}/ld")).expect("targets/ld holds the linker scripts");
    for script in scripts.flatten() {
        let path = script.path();
        if path.extension().and_then(|e| e.to_str()) != Some("ld") {
            continue;
        }
        let Some(bin) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        println!("cargo::rustc-link-arg-bin={bin}=-L{dir}/ld");
        println!("cargo::rustc-link-arg-bin={bin}=-L{dir}/ld/platform");
        println!("cargo::rustc-link-arg-bin={bin}=-L{out}");
        println!("cargo::rustc-link-arg-bin={bin}=-T{}", path.display());
        // linkme's __start_/__stop_ symbols must survive --gc-sections under rust-lld.
        println!("cargo::rustc-link-arg-bin={bin}=-znostart-stop-gc");
    }
}
