//! Stage-1 identity maps, built with `aarch64-paging` in the translation regime of the image's
//! exception level: EL2 for the ns image (TF-A enters BL33 at NS-EL2 when the machine has
//! virtualization), EL1&0 for the sp (S-EL1) or an ns image entered at EL1. Memory is Normal
//! write-back inner-shareable, devices Device-nGnRE. A secure image maps normal-world memory
//! with NS=1: on hardware it reaches those buffers only so (QEMU aliases NS RAM into the secure
//! address space and hides the need). The tables come from a fixed pool in .bss (the images
//! have no allocator); every core turns its MMU on over the same tables, and
//! [`map_page`] adds 4 KiB mappings while they are live.

use aarch64_cpu::registers::{CurrentEL, Readable};
use aarch64_paging::descriptor::{El1Attributes, El23Attributes, PagingAttributes, PhysicalAddress};
use aarch64_paging::paging::{
    Constraints, El1And0, El2, MemoryRegion, PageTable, Translation, TranslationRegime, VaRange,
};
use aarch64_paging::{MapError, Mapping};
use core::arch::asm;
use core::cell::UnsafeCell;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use spin::Mutex;

/// What a region of the address space is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memory {
    /// Device-nGnRE, never executable (GIC, UARTs).
    Device,
    /// Normal write-back memory of the image's own world, executable (its image, its stacks,
    /// the pages it shares with the SPMC).
    Own,
    /// Normal write-back memory of the normal world as a secure image sees it (NS=1), never
    /// executable.
    NonSecure,
}

/// A page-aligned region.
#[derive(Clone, Copy, Debug)]
pub struct Region {
    /// Base address, 4 KiB aligned.
    pub base: u64,
    /// Size, a multiple of 4 KiB.
    pub size: u64,
    /// Its kind.
    pub memory: Memory,
}

/// Why a mapping could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmuError {
    /// The MMU is not on (no [`enable_identity`] yet).
    NotEnabled,
    /// The tables were already built ([`enable_identity`] runs once).
    AlreadyEnabled,
    /// `aarch64-paging` refused the mapping (out of range, or a live mapping with other
    /// attributes would break break-before-make).
    Refused,
}

/// How many translation tables the pool holds: the root, one level-2 table per GiB with
/// devices or secure memory, and level-3 tables for run-time 4 KiB mappings.
const POOL_TABLES: usize = 16;
/// The root level: 39-bit virtual addresses (T0SZ = 25) start at level 1 with a 4 KiB granule.
const ROOT_LEVEL: usize = 1;
const T0SZ: u64 = 25;

#[repr(C, align(4096))]
struct RawTable([u64; 512]);

struct TablePool(UnsafeCell<[RawTable; POOL_TABLES]>);

// SAFETY: the pool is handed out once, to the one Translation that lives inside MAP's mutex
// (TAKEN guards it), and only that translation touches it afterwards.
unsafe impl Sync for TablePool {}

static POOL: TablePool = TablePool(UnsafeCell::new([const { RawTable([0; 512]) }; POOL_TABLES]));
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Hands out the pool's tables one after the other; freed tables are not reused (the images
/// never unmap).
struct PoolTranslation {
    next: usize,
}

impl PoolTranslation {
    fn take() -> Option<Self> {
        (!TAKEN.swap(true, Ordering::AcqRel)).then_some(Self { next: 0 })
    }
}

impl<A: PagingAttributes> Translation<A> for PoolTranslation {
    fn allocate_table(&mut self) -> (NonNull<PageTable<A>>, PhysicalAddress) {
        // aarch64-paging's trait cannot fail: running out of tables is a harness bug (the pool
        // is sized for the boards' maps), reported as a panic, i.e. a crash of the case.
        assert!(self.next < POOL_TABLES, "the page-table pool ({POOL_TABLES} tables) is used up");
        // A zeroed, 4 KiB-aligned 512-entry table is a valid empty PageTable (repr(C) array of
        // 8-byte descriptors); the pool is identity-mapped, so VA == PA.
        let table = POOL.0.get().cast::<RawTable>().wrapping_add(self.next).cast::<PageTable<A>>();
        self.next += 1;
        let table = NonNull::new(table).expect("the pool is a static");
        (table, PhysicalAddress(table.as_ptr() as usize))
    }

    unsafe fn deallocate_table(&mut self, _: NonNull<PageTable<A>>) {}

    fn physical_to_virtual(&self, pa: PhysicalAddress) -> NonNull<PageTable<A>> {
        NonNull::new(pa.0 as *mut PageTable<A>).expect("a table's address is not 0")
    }
}

/// The regimes an image can run in, with what differs between them: attribute bits and the
/// system registers that turn translation on.
trait Regime: TranslationRegime {
    fn mapping(t: PoolTranslation) -> Mapping<PoolTranslation, Self>;
    fn attributes(memory: Memory) -> Self::Attributes;
    /// # Safety
    /// `root` must be a complete table hierarchy that maps the running code and stack one to one.
    unsafe fn turn_on(root: u64);
}

// attr0 Device-nGnRE, attr1 Normal write-back read/write-allocate (inner and outer).
const MAIR: u64 = 0x04 | (0xff << 8);
// IRGN0/ORGN0 write-back write-allocate walks, SH0 inner shareable, TG0 4 KiB.
const TCR_WALKS: u64 = (0b01 << 8) | (0b01 << 10) | (0b11 << 12);

impl Regime for El2 {
    fn mapping(t: PoolTranslation) -> Mapping<PoolTranslation, Self> {
        Mapping::new(t, ROOT_LEVEL, El2)
    }

    fn attributes(memory: Memory) -> El23Attributes {
        let base = El23Attributes::VALID | El23Attributes::ACCESSED | El23Attributes::USER_RES1;
        match memory {
            Memory::Device => base | El23Attributes::ATTRIBUTE_INDEX_0 | El23Attributes::XN,
            Memory::Own => base | El23Attributes::ATTRIBUTE_INDEX_1 | El23Attributes::INNER_SHAREABLE,
            Memory::NonSecure => {
                base | El23Attributes::ATTRIBUTE_INDEX_1
                    | El23Attributes::INNER_SHAREABLE
                    | El23Attributes::NS
                    | El23Attributes::XN
            }
        }
    }

    unsafe fn turn_on(root: u64) {
        // TCR_EL2 (E2H = 0): RES1 bits 31 and 23, PS = 40 bits.
        let tcr = T0SZ | TCR_WALKS | (0b010 << 16) | (1 << 23) | (1 << 31);
        // SAFETY: the caller's tables map the running code and stack one to one, so execution
        // continues at the same addresses once SCTLR_EL2.M is set; the barriers order the
        // table writes before the walk and the register writes before use.
        unsafe {
            asm!(
                "dsb ish",
                "msr mair_el2, {mair}",
                "msr tcr_el2, {tcr}",
                "msr ttbr0_el2, {root}",
                "isb",
                "tlbi alle2",
                "dsb ish",
                "isb",
                "mrs {s}, sctlr_el2",
                "orr {s}, {s}, #(1 << 0)",
                "orr {s}, {s}, #(1 << 2)",
                "orr {s}, {s}, #(1 << 12)",
                "msr sctlr_el2, {s}",
                "isb",
                mair = in(reg) MAIR, tcr = in(reg) tcr, root = in(reg) root, s = out(reg) _,
            );
        }
    }
}

impl Regime for El1And0 {
    fn mapping(t: PoolTranslation) -> Mapping<PoolTranslation, Self> {
        Mapping::with_asid_and_va_range(t, 0, ROOT_LEVEL, El1And0, VaRange::Lower)
    }

    fn attributes(memory: Memory) -> El1Attributes {
        let base = El1Attributes::VALID | El1Attributes::ACCESSED;
        let never_exec = El1Attributes::PXN | El1Attributes::UXN;
        match memory {
            Memory::Device => base | El1Attributes::ATTRIBUTE_INDEX_0 | never_exec,
            Memory::Own => base | El1Attributes::ATTRIBUTE_INDEX_1 | El1Attributes::INNER_SHAREABLE,
            Memory::NonSecure => {
                base | El1Attributes::ATTRIBUTE_INDEX_1
                    | El1Attributes::INNER_SHAREABLE
                    | El1Attributes::NS
                    | never_exec
            }
        }
    }

    unsafe fn turn_on(root: u64) {
        // TCR_EL1: EPD1 (no TTBR1 walks), IPS = 40 bits.
        let tcr = T0SZ | TCR_WALKS | (1 << 23) | (0b010 << 32);
        // SAFETY: as for EL2, with the EL1 registers.
        unsafe {
            asm!(
                "dsb ish",
                "msr mair_el1, {mair}",
                "msr tcr_el1, {tcr}",
                "msr ttbr0_el1, {root}",
                "isb",
                "tlbi vmalle1",
                "dsb ish",
                "isb",
                "mrs {s}, sctlr_el1",
                "orr {s}, {s}, #(1 << 0)",
                "orr {s}, {s}, #(1 << 2)",
                "orr {s}, {s}, #(1 << 12)",
                "msr sctlr_el1, {s}",
                "isb",
                mair = in(reg) MAIR, tcr = in(reg) tcr, root = in(reg) root, s = out(reg) _,
            );
        }
    }
}

/// The image's tables, in the regime it runs in.
enum IdentityMap {
    El2(Mapping<PoolTranslation, El2>),
    El1(Mapping<PoolTranslation, El1And0>),
}

static MAP: Mutex<Option<IdentityMap>> = Mutex::new(None);
/// The root table's address, for secondary cores: they read it with their MMU (and so their
/// caches) still off, so the boot core cleans it to the point of coherency.
static ROOT: AtomicU64 = AtomicU64::new(0);

fn map_into<R: Regime>(m: &mut Mapping<PoolTranslation, R>, region: &Region) -> Result<(), MmuError> {
    let range = MemoryRegion::new(region.base as usize, (region.base + region.size) as usize);
    m.map_range(&range, PhysicalAddress(region.base as usize), R::attributes(region.memory), Constraints::empty())
        .map_err(|_: MapError| MmuError::Refused)
}

fn build<R: Regime>(regions: &[Region]) -> Result<Mapping<PoolTranslation, R>, MmuError> {
    let t = PoolTranslation::take().ok_or(MmuError::AlreadyEnabled)?;
    let mut m = R::mapping(t);
    for r in regions {
        map_into(&mut m, r)?;
    }
    Ok(m)
}

fn at_el2() -> bool {
    CurrentEL.read(CurrentEL::EL) == 2
}

/// Maps `regions` one to one and turns this core's MMU and caches on.
///
/// # Safety
///
/// Call it once, on the boot core with the MMU off, and let `regions` cover the image's own
/// code, data and stacks as [`Memory::Own`] (execution continues at the same addresses once
/// the MMU is on), and every device and buffer the image touches afterwards.
pub unsafe fn enable_identity(regions: &[Region]) -> Result<(), MmuError> {
    let map = if at_el2() { IdentityMap::El2(build(regions)?) } else { IdentityMap::El1(build(regions)?) };
    let root = match &map {
        IdentityMap::El2(m) => {
            m.mark_active();
            m.root_address().0 as u64
        }
        IdentityMap::El1(m) => {
            m.mark_active();
            m.root_address().0 as u64
        }
    };
    *MAP.lock() = Some(map);
    // SAFETY: the tables map what the caller promised (this function's contract).
    unsafe { turn_on(root) };
    ROOT.store(root, Ordering::Release);
    // SAFETY: a data-cache clean of one word this image owns; no memory changes.
    unsafe { asm!("dc cvac, {a}", "dsb ish", a = in(reg) ROOT.as_ptr(), options(nostack)) };
    Ok(())
}

/// Turns this core's MMU on over the tables the boot core built (a secondary core).
///
/// # Safety
///
/// The MMU of this core must be off and its code and stack inside the boot core's map.
pub unsafe fn enable_secondary() -> Result<(), MmuError> {
    let root = ROOT.load(Ordering::Acquire);
    if root == 0 {
        return Err(MmuError::NotEnabled);
    }
    // SAFETY: the boot core's tables map every core's code and stack (this function's contract).
    unsafe { turn_on(root) };
    Ok(())
}

/// # Safety
/// See [`Regime::turn_on`].
unsafe fn turn_on(root: u64) {
    if at_el2() {
        // SAFETY: forwarded.
        unsafe { El2::turn_on(root) }
    } else {
        // SAFETY: forwarded.
        unsafe { El1And0::turn_on(root) }
    }
}

/// Maps the 4 KiB page at `addr` (identity) as `memory` while the MMU is on; a page already
/// mapped with the same attributes is left as it is.
pub fn map_page(addr: u64, memory: Memory) -> Result<(), MmuError> {
    let region = Region { base: addr & !0xfff, size: 0x1000, memory };
    match MAP.lock().as_mut() {
        None => Err(MmuError::NotEnabled),
        Some(IdentityMap::El2(m)) => map_into(m, &region),
        Some(IdentityMap::El1(m)) => map_into(m, &region),
    }
}
