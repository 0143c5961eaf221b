//! Typed FF-A calls over one conduit. Each returns the full register file: a conformance case
//! checks every field of the answer, so nothing is decoded away here. Negative cases build
//! their own [`Regs`] and use [`Ffa::call`].

use super::created_bitmaps::{CreatedBitmaps, MAX_CREATED};
use super::ledger::{EndpointState, Ledger};
use super::open_handles::{OpenHandles, MAX_OPEN};
use super::{FeatureId, FuncId, Regs, Version};
use crate::desc::memory::Handle;
use crate::desc::Uuid;

/// Issues one SMCCC call with x0..x17 in and out.
pub trait Conduit: Sync {
    /// Makes the call. The callee may write memory the caller shared with it (RX buffers).
    fn call(&self, regs: Regs) -> Regs;

    /// Makes the call with x18..x30 holding `CALLEE_SAVED_CANARY | n` (n the register number)
    /// and returns, beside the results, what x18..x30 held after it: SMCCC has the callee
    /// preserve them.
    fn call_probing_callee_saved(&self, regs: Regs) -> (Regs, [u64; 13]);
}

/// The canary of the callee-saved registers: xN holds this value with N in its low byte.
pub const CALLEE_SAVED_CANARY: u64 = 0xca11_ee5a_0000_0000;

/// The FF-A endpoint interface of the image that runs the cases.
pub struct Ffa {
    conduit: &'static dyn Conduit,
}

/// The endpoint's state as every call of this image left it: one image is one endpoint,
/// whichever core and whichever `Ffa` made the call, so there is one ledger.
static LEDGER: Ledger = Ledger::new();

/// The memory transactions this image sent and has not reclaimed, likewise one per image.
static OPEN: OpenHandles = OpenHandles::new();

/// The notification bitmaps this image created and has not destroyed, likewise one per image.
static BITMAPS: CreatedBitmaps = CreatedBitmaps::new();

/// Every call's answer, as the endpoint's state trackers see it.
fn observe(call: &Regs, answer: &Regs) {
    LEDGER.observe(call, answer);
    OPEN.observe(call, answer);
    BITMAPS.observe(call, answer);
}

impl Ffa {
    /// Calls through `conduit`.
    pub const fn new(conduit: &'static dyn Conduit) -> Self {
        Self { conduit }
    }

    /// The raw call: every register as given.
    pub fn call(&self, regs: Regs) -> Regs {
        let answer = self.conduit.call(regs);
        observe(&regs, &answer);
        answer
    }

    /// [`Ffa::call`] with the callee-saved registers probed (see
    /// [`Conduit::call_probing_callee_saved`]): the results and x18..x30 after the call.
    pub fn call_probing_callee_saved(&self, regs: Regs) -> (Regs, [u64; 13]) {
        let (answer, saved) = self.conduit.call_probing_callee_saved(regs);
        observe(&regs, &answer);
        (answer, saved)
    }

    /// The endpoint's state (RX/TX pair, RX ownership, last version asked) as the answers
    /// to its calls left it.
    pub fn state(&self) -> EndpointState {
        LEDGER.state()
    }

    /// How many FF-A calls this image made so far, on every core.
    pub fn calls(&self) -> u64 {
        LEDGER.calls()
    }

    /// The memory transactions this endpoint sent and has not reclaimed.
    pub fn open_handles(&self) -> [Option<Handle>; MAX_OPEN] {
        OPEN.list()
    }

    /// Stops tracking `handle` as open (the executor gave up on reclaiming it).
    pub fn forget_handle(&self, handle: Handle) {
        OPEN.forget(handle)
    }

    /// The VM IDs whose notification bitmap this endpoint created and has not destroyed.
    pub fn created_bitmaps(&self) -> [Option<u16>; MAX_CREATED] {
        BITMAPS.list()
    }

    /// Stops tracking `vm`'s bitmap as created (the executor gave up on destroying it).
    pub fn forget_bitmap(&self, vm: u16) {
        BITMAPS.forget(vm)
    }

    /// FFA_VERSION requesting `version`.
    pub fn version(&self, version: Version) -> Regs {
        self.call(Regs::call(FuncId::VERSION).with(1, version.to_u32().into()))
    }

    /// FFA_FEATURES for a function ID, with the input properties in w2.
    pub fn features(&self, func: FuncId, properties: u32) -> Regs {
        self.call(Regs::call(FuncId::FEATURES).with(1, func.0.into()).with(2, properties.into()))
    }

    /// FFA_FEATURES for a feature ID (NPI, SRI, MEI).
    pub fn feature_id(&self, feature: FeatureId) -> Regs {
        self.call(Regs::call(FuncId::FEATURES).with(1, feature.0.into()))
    }

    /// FFA_ID_GET.
    pub fn id_get(&self) -> Regs {
        self.call(Regs::call(FuncId::ID_GET))
    }

    /// FFA_SPM_ID_GET.
    pub fn spm_id_get(&self) -> Regs {
        self.call(Regs::call(FuncId::SPM_ID_GET))
    }

    /// FFA_RXTX_MAP_64 of a TX and an RX buffer of `pages` 4 KiB pages each.
    pub fn rxtx_map(&self, tx: u64, rx: u64, pages: u32) -> Regs {
        self.call(Regs::call(FuncId::RXTX_MAP_64).with(1, tx).with(2, rx).with(3, pages.into()))
    }

    /// FFA_RXTX_UNMAP of the caller's own buffers (w1 = ID 0 in bits [31:16]).
    pub fn rxtx_unmap(&self) -> Regs {
        self.call(Regs::call(FuncId::RXTX_UNMAP))
    }

    /// FFA_RX_RELEASE of the caller's RX buffer.
    pub fn rx_release(&self) -> Regs {
        self.call(Regs::call(FuncId::RX_RELEASE))
    }

    /// FFA_RX_ACQUIRE of VM `vm`'s RX buffer (w1[15:0]; DEN0077A v1.1 13.4: the hypervisor
    /// takes ownership of a VM's buffer from the SPMC).
    pub fn rx_acquire(&self, vm: u16) -> Regs {
        self.call(Regs::call(FuncId::RX_ACQUIRE).with(1, vm.into()))
    }

    /// FFA_MSG_SEND2 of the message in the caller's TX buffer, with `w1` as given (cases put
    /// reserved bits there) and the flags in w2 (DEN0077A v1.1 15.1).
    pub fn msg_send2(&self, w1: u64, flags: u32) -> Regs {
        self.call(Regs::call(FuncId::MSG_SEND2).with(1, w1).with(2, flags.into()))
    }

    /// FFA_RUN of endpoint `target`'s vCPU `vcpu` (w1: target in [31:16], vCPU in [15:0];
    /// DEN0077A v1.1 14.4).
    pub fn run(&self, target: u16, vcpu: u16) -> Regs {
        self.call(Regs::call(FuncId::RUN).with(1, u64::from(target) << 16 | u64::from(vcpu)))
    }

    /// FFA_PARTITION_INFO_GET for `uuid` (nil for all), with the flags in w5.
    pub fn partition_info_get(&self, uuid: Uuid, flags: u32) -> Regs {
        let w = uuid.to_regs();
        self.call(
            Regs::call(FuncId::PARTITION_INFO_GET)
                .with(1, w[0].into())
                .with(2, w[1].into())
                .with(3, w[2].into())
                .with(4, w[3].into())
                .with(5, flags.into()),
        )
    }

    /// FFA_MSG_SEND_DIRECT_REQ (32 or 64-bit by `func`) from `src` to `dst`, payload in x3..x7.
    pub fn direct_req(&self, func: FuncId, src: u16, dst: u16, payload: [u64; 5]) -> Regs {
        self.call(Regs::direct_req(func, src, dst, 0, payload))
    }

    /// FFA_NOTIFICATION_BITMAP_CREATE for VM `vm` with `vcpus` vCPUs (w1, w2).
    pub fn notification_bitmap_create(&self, vm: u16, vcpus: u32) -> Regs {
        self.call(Regs::call(FuncId::NOTIFICATION_BITMAP_CREATE).with(1, vm.into()).with(2, vcpus.into()))
    }

    /// FFA_NOTIFICATION_BITMAP_DESTROY for VM `vm` (w1).
    pub fn notification_bitmap_destroy(&self, vm: u16) -> Regs {
        self.call(Regs::call(FuncId::NOTIFICATION_BITMAP_DESTROY).with(1, vm.into()))
    }

    /// FFA_NOTIFICATION_BIND of `bitmap` (w3 low, w4 high) of `receiver` to `sender`, with the
    /// flags in w2; w1 holds the sender in bits [31:16] and the receiver in [15:0] (Linux
    /// `ffa_notification_bind_common`).
    pub fn notification_bind(&self, sender: u16, receiver: u16, flags: u32, bitmap: u64) -> Regs {
        self.call(notification_call(FuncId::NOTIFICATION_BIND, sender, receiver, flags, bitmap))
    }

    /// FFA_NOTIFICATION_UNBIND of `bitmap` of `receiver` from `sender` (w2 MBZ).
    pub fn notification_unbind(&self, sender: u16, receiver: u16, bitmap: u64) -> Regs {
        self.call(notification_call(FuncId::NOTIFICATION_UNBIND, sender, receiver, 0, bitmap))
    }

    /// FFA_NOTIFICATION_SET of `bitmap` in `receiver` by `sender`, with the flags in w2.
    pub fn notification_set(&self, sender: u16, receiver: u16, flags: u32, bitmap: u64) -> Regs {
        self.call(notification_call(FuncId::NOTIFICATION_SET, sender, receiver, flags, bitmap))
    }

    /// FFA_NOTIFICATION_GET of `receiver`'s vCPU `vcpu` (w1: vCPU in [31:16], receiver in
    /// [15:0]) for the bitmaps the flags in w2 select.
    pub fn notification_get(&self, receiver: u16, vcpu: u16, flags: u32) -> Regs {
        let w1 = u64::from(vcpu) << 16 | u64::from(receiver);
        self.call(Regs::call(FuncId::NOTIFICATION_GET).with(1, w1).with(2, flags.into()))
    }

    /// FFA_NOTIFICATION_INFO_GET, the 32 or 64-bit form by `func`, every argument zero.
    pub fn notification_info_get(&self, func: FuncId) -> Regs {
        self.call(Regs::call(func))
    }

    /// FFA_MEM_SHARE, LEND or DONATE (`func`) of a descriptor of `total` bytes whose first
    /// `fragment` bytes are in the TX buffer (w3/w4, the buffer address and page count, 0).
    pub fn mem_send(&self, func: FuncId, total: u32, fragment: u32) -> Regs {
        self.call(Regs::call(func).with(1, total.into()).with(2, fragment.into()))
    }

    /// FFA_MEM_FRAG_TX: the next `fragment` bytes of transaction `handle` are in the TX buffer;
    /// `sender` in w4[31:16] (0 for an endpoint that is no hypervisor).
    pub fn mem_frag_tx(&self, handle: Handle, fragment: u32, sender: u16) -> Regs {
        self.call(
            Regs::call(FuncId::MEM_FRAG_TX)
                .with(1, handle.low().into())
                .with(2, handle.high().into())
                .with(3, fragment.into())
                .with(4, (u64::from(sender)) << 16),
        )
    }

    /// FFA_MEM_FRAG_RX: the fragment of transaction `handle` from byte `offset`.
    pub fn mem_frag_rx(&self, handle: Handle, offset: u32) -> Regs {
        self.call(
            Regs::call(FuncId::MEM_FRAG_RX)
                .with(1, handle.low().into())
                .with(2, handle.high().into())
                .with(3, offset.into()),
        )
    }

    /// FFA_MEM_RECLAIM of `handle` with `flags` (bit 0 zero memory, bit 1 time slicing).
    pub fn mem_reclaim(&self, handle: Handle, flags: u32) -> Regs {
        self.call(
            Regs::call(FuncId::MEM_RECLAIM)
                .with(1, handle.low().into())
                .with(2, handle.high().into())
                .with(3, flags.into()),
        )
    }

    /// FFA_MEM_RETRIEVE_REQ_32 of a request of `total` bytes, `fragment` of them in TX.
    pub fn mem_retrieve_req(&self, total: u32, fragment: u32) -> Regs {
        self.call(Regs::call(FuncId::MEM_RETRIEVE_REQ_32).with(1, total.into()).with(2, fragment.into()))
    }

    /// FFA_MEM_RELINQUISH of the descriptor in TX.
    pub fn mem_relinquish(&self) -> Regs {
        self.call(Regs::call(FuncId::MEM_RELINQUISH))
    }
}

/// The register layout BIND, UNBIND and SET share: w1 sender and receiver, w2 flags, w3 and
/// w4 the bitmap's low and high halves.
fn notification_call(func: FuncId, sender: u16, receiver: u16, flags: u32, bitmap: u64) -> Regs {
    Regs::call(func)
        .with(1, u64::from(sender) << 16 | u64::from(receiver))
        .with(2, flags.into())
        .with(3, bitmap & 0xffff_ffff)
        .with(4, bitmap >> 32)
}
