//! Booting the image on an Arm FVP Base RevC model the user has (`--fvp MODEL`): TF-A's BL1
//! and FIP (PLAT=fvp, the ns image as BL33) loaded into the model's flash, the parameters the
//! stack's SPMC needs, UART0 (where the image writes its events) on the model's stdout and
//! UART1 (TF-A's runtime log) into the run folder, the run's arguments as the primary core's
//! semihosting command line, and the model ended by the image's PSCI SYSTEM_OFF. The model
//! runs as a [`ProcessSession`], like QEMU, so the results folder is the same.

use crate::boot::{Booter, Spawned};
use crate::image_args::ImageArgs;
use crate::process::{shown, ProcessSession};
use std::path::{Path, PathBuf};

/// What an SPMC needs of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpmcLevel {
    /// TF-A's EL3 SPMC or an S-EL1 SPMC (OP-TEE): the default AEMvA (TF-A
    /// docs/components/el3-spmc.rst; OP-TEE build fvp.mk).
    El3OrSel1,
    /// An S-EL2 SPMC (Hafnium): FEAT_SEL2 and what Hafnium's build assumes.
    Sel2,
}

impl SpmcLevel {
    /// The level of a stack, from its name: the Hafnium stacks run at S-EL2.
    pub fn of_stack(stack: &str) -> Self {
        if stack.starts_with("hafnium") {
            Self::Sel2
        } else {
            Self::El3OrSel1
        }
    }
}

/// The parameters every run takes: four cores per cluster from reset, secure memory, the
/// model ending on SYSTEM_OFF, no windows, no telnet terminals (the UARTs go to files), and
/// cache state not modelled (faster; TF-A's CI models it, OP-TEE's and LAVA's examples do not).
const COMMON_PARAMETERS: &[&str] = &[
    "pctl.startup=0.0.0.0",
    "bp.secure_memory=1",
    "cluster0.NUM_CORES=4",
    "cluster1.NUM_CORES=4",
    "cache_state_modelled=0",
    "bp.ve_sysregs.exit_on_shutdown=1",
    "bp.vis.disable_visualisation=1",
    "bp.terminal_0.start_telnet=0",
    "bp.terminal_1.start_telnet=0",
    "bp.terminal_2.start_telnet=0",
    "bp.terminal_3.start_telnet=0",
    "bp.pl011_uart0.out_file=-",
    "bp.pl011_uart0.unbuffered_output=1",
];

/// What an S-EL2 SPMC needs beyond them (Hafnium docs/secure-partition-manager: "FVP model
/// invocation"; TF-A CI run_config fvp-spm): Armv8.5 (FEAT_SEL2), BTI, PAuth, MTE, the
/// SMMUv3's ID registers Hafnium reads, and the extended PPI/SPI ranges of its GIC driver.
pub const SEL2_PARAMETERS: &[&str] = &[
    "cluster0.has_arm_v8-5=1",
    "cluster1.has_arm_v8-5=1",
    "cluster0.has_branch_target_exception=1",
    "cluster1.has_branch_target_exception=1",
    "cluster0.has_pointer_authentication=2",
    "cluster1.has_pointer_authentication=2",
    "cluster0.memory_tagging_support_level=2",
    "cluster1.memory_tagging_support_level=2",
    "bp.dram_metadata.is_enabled=1",
    "pci.pci_smmuv3.mmu.SMMU_AIDR=2",
    "pci.pci_smmuv3.mmu.SMMU_IDR0=0x0046123B",
    "pci.pci_smmuv3.mmu.SMMU_IDR1=0x00600002",
    "pci.pci_smmuv3.mmu.SMMU_IDR3=0x1714",
    "pci.pci_smmuv3.mmu.SMMU_IDR5=0xFFFF0472",
    "pci.pci_smmuv3.mmu.SMMU_S_IDR1=0xA0000002",
    "pci.pci_smmuv3.mmu.SMMU_S_IDR2=0",
    "pci.pci_smmuv3.mmu.SMMU_S_IDR3=0",
    "gic_distributor.ARE-fixed-to-one=1",
    "cluster0.gicv3.extended-interrupt-range-support=1",
    "cluster1.gicv3.extended-interrupt-range-support=1",
    "gic_distributor.extended-ppi-count=64",
    "gic_distributor.extended-spi-count=1024",
];

/// Boots TF-A's BL1 and FIP in the model `model`, one boot after the other.
pub struct FvpBooter {
    /// The model binary (`FVP_Base_RevC-2xAEMvA`).
    pub model: PathBuf,
    /// TF-A's BL1 and FIP for PLAT=fvp, the FIP holding the ns image as BL33.
    pub bl1: PathBuf,
    pub fip: PathBuf,
    pub spmc: SpmcLevel,
    /// Where `uart1-N.log` goes, and the model's semihosting working folder: TF-A on FVP
    /// falls back to loading images over semihosting from there (fvp_io_storage.c), so it must
    /// hold none.
    pub run_dir: PathBuf,
}

impl FvpBooter {
    /// The model's arguments for boot number `boot`.
    pub fn arguments(&self, args: &ImageArgs, boot: u32) -> Vec<String> {
        let uart1 = self.run_dir.join(format!("uart1-{boot}.log"));
        let mut parameters: Vec<String> = vec![
            format!("bp.secureflashloader.fname={}", self.bl1.display()),
            format!("bp.flashloader0.fname={}", self.fip.display()),
        ];
        parameters.extend(COMMON_PARAMETERS.iter().map(|p| (*p).to_owned()));
        parameters.push(format!("bp.pl011_uart1.out_file={}", uart1.display()));
        parameters.push(format!("cluster0.cpu0.semihosting-cmd_line={}", args.words().join(" ")));
        for cluster in 0..2 {
            for cpu in 0..4 {
                parameters.push(format!("cluster{cluster}.cpu{cpu}.semihosting-cwd={}", self.run_dir.display()));
            }
        }
        if self.spmc == SpmcLevel::Sel2 {
            parameters.extend(SEL2_PARAMETERS.iter().map(|p| (*p).to_owned()));
        }
        parameters.into_iter().flat_map(|p| ["-C".to_owned(), p]).collect()
    }
}

impl Booter for FvpBooter {
    fn boot(&mut self, args: &ImageArgs, boot: u32) -> Result<Spawned, String> {
        let arguments = self.arguments(args, boot);
        let command = shown(&self.model, &arguments);
        let session = ProcessSession::spawn(&self.model, &arguments)
            .map_err(|e| format!("cannot start the FVP {}: {e}; pass --fvp PATH to the model", self.model.display()))?;
        Ok(Spawned { command, session: Box::new(session) })
    }
}

/// `DIR/bl1.bin` and `DIR/fip.bin`, the TF-A images `--firmware DIR` names for an FVP run.
pub fn images(dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    let (bl1, fip) = (dir.join("bl1.bin"), dir.join("fip.bin"));
    for file in [&bl1, &fip] {
        if !file.is_file() {
            return Err(format!(
                "{} is missing: for an FVP, --firmware is a folder with TF-A's bl1.bin and fip.bin (PLAT=fvp)",
                file.display()
            ));
        }
    }
    Ok((bl1, fip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffa_harness::ffa::Version;

    fn booter(spmc: SpmcLevel) -> FvpBooter {
        FvpBooter {
            model: "/m/FVP_Base_RevC-2xAEMvA".into(),
            bl1: "/fw/bl1.bin".into(),
            fip: "/fw/fip.bin".into(),
            spmc,
            run_dir: "/r/run".into(),
        }
    }

    #[test]
    fn command_line_for_each_spmc_level() {
        let args = ImageArgs { version: Version::V1_2, only: Some("setup.".into()), after: None, call_limit_ms: 0 };
        let line = booter(SpmcLevel::El3OrSel1).arguments(&args, 2);
        assert!(line.chunks(2).all(|pair| pair[0] == "-C"), "every parameter is one -C");
        let parameters: Vec<&str> = line.chunks(2).map(|pair| pair[1].as_str()).collect();
        assert_eq!(
            &parameters[..3],
            ["bp.secureflashloader.fname=/fw/bl1.bin", "bp.flashloader0.fname=/fw/fip.bin", "pctl.startup=0.0.0.0"]
        );
        for wanted in [
            "bp.ve_sysregs.exit_on_shutdown=1",
            "bp.pl011_uart0.out_file=-",
            "bp.pl011_uart1.out_file=/r/run/uart1-2.log",
            "cluster0.cpu0.semihosting-cmd_line=ns version=1.2 only=setup.",
            "cluster1.cpu3.semihosting-cwd=/r/run",
        ] {
            assert!(parameters.contains(&wanted), "{wanted} in {parameters:?}");
        }
        assert!(
            !parameters.iter().any(|p| p.contains("has_arm_v8-5")),
            "an EL3 or S-EL1 SPMC runs on the default AEMvA"
        );
        let sel2 = booter(SpmcLevel::Sel2).arguments(&args, 1);
        assert_eq!(sel2.len(), line.len() + 2 * SEL2_PARAMETERS.len());
        assert!(sel2.contains(&"cluster1.has_arm_v8-5=1".to_owned()));
        assert_eq!(SpmcLevel::of_stack("hafnium-2.15"), SpmcLevel::Sel2);
        assert_eq!(SpmcLevel::of_stack("optee-sel1"), SpmcLevel::El3OrSel1);
    }

    #[test]
    fn the_model_is_started_with_those_arguments_and_read_like_qemu() {
        use crate::boot::Output;
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("ffa-cts-fvp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A stand-in model: prints its parameters one a line, then the image's first event.
        let model = dir.join("FVP_Base_RevC-2xAEMvA");
        std::fs::write(&model, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\necho 'ffa-cts: hello schema=2'\n")
            .unwrap();
        std::fs::set_permissions(&model, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut fvp = FvpBooter { model, run_dir: dir.clone(), ..booter(SpmcLevel::El3OrSel1) };
        let args = ImageArgs { version: Version::V1_1, only: None, after: None, call_limit_ms: 0 };
        let mut spawned = fvp.boot(&args, 1).unwrap();
        assert!(
            spawned.command.contains(" -C 'cluster0.cpu0.semihosting-cmd_line=ns version=1.1' "),
            "{}",
            spawned.command
        );
        let mut lines = Vec::new();
        while let Output::Line(line) = spawned.session.next(std::time::Duration::from_secs(5)) {
            lines.push(line);
        }
        assert_eq!(lines.len(), fvp.arguments(&args, 1).len() + 1);
        assert_eq!(lines[1], "bp.secureflashloader.fname=/fw/bl1.bin");
        assert_eq!(lines.last().map(String::as_str), Some("ffa-cts: hello schema=2"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_model_that_is_not_there_is_named() {
        let error = booter(SpmcLevel::El3OrSel1)
            .boot(&ImageArgs { version: Version::V1_1, only: None, after: None, call_limit_ms: 0 }, 1)
            .err()
            .unwrap();
        assert!(error.starts_with("cannot start the FVP /m/FVP_Base_RevC-2xAEMvA:"), "{error}");
        assert!(images(Path::new("/nonexistent")).unwrap_err().contains("bl1.bin is missing"));
    }
}
