//! What a case body gets: the FF-A call layer, the session the image negotiated at boot, and
//! the shared pages, plus helpers several cases need (finding a partition, reading RX).

use crate::desc::{PartitionInfo, Uuid};
use crate::ffa::{Ffa, Version};
use crate::pages::{Pages, PAGES};
use crate::platform::MachineInfo;
use crate::{fail, CaseResult, Failure};

/// The FF-A session established at boot, before any case runs.
#[derive(Clone, Copy, Debug)]
pub struct Session {
    /// The version the image requested with FFA_VERSION.
    pub requested: Version,
    /// What FFA_VERSION returned (the SPMC's own version).
    pub returned: u32,
    /// The version in force for ABI and descriptor formats.
    pub negotiated: Version,
    /// The image's own endpoint ID (FFA_ID_GET).
    pub own_id: u16,
    /// The SPMC's ID (FFA_SPM_ID_GET), 0xffff when that call is not implemented.
    pub spmc_id: u16,
}

/// The context of one case.
pub struct Ctx<'a> {
    /// The FF-A call layer.
    pub ffa: &'a Ffa,
    /// The session.
    pub session: &'a Session,
    /// The shared pages; TX and RX are mapped when a case starts.
    pub pages: &'static Pages,
    /// The machine.
    pub machine: &'a MachineInfo,
}

impl<'a> Ctx<'a> {
    /// A context over the image's shared pages.
    pub fn new(ffa: &'a Ffa, session: &'a Session, machine: &'a MachineInfo) -> Self {
        Self { ffa, session, pages: &PAGES, machine }
    }

    /// The negotiated version.
    pub fn version(&self) -> Version {
        self.session.negotiated
    }

    /// Looks up a partition by UUID with FFA_PARTITION_INFO_GET and releases RX again.
    /// Returns its descriptor, or `Ok(None)` when no partition has that UUID.
    pub fn find_partition(&self, uuid: Uuid) -> Result<Option<PartitionInfo>, Failure> {
        let r = self.ffa.partition_info_get(uuid, 0);
        if r.error().is_some() {
            return Ok(None);
        }
        if !r.is_success() {
            fail!("FFA_PARTITION_INFO_GET({uuid}): unexpected {}", r.summary());
        }
        let count = r.w(2) as usize;
        let size =
            if self.version() >= Version::V1_1 { r.w(3) as usize } else { PartitionInfo::size_for(self.version()) };
        let mut bytes = [0u8; 24];
        let len = size.min(bytes.len());
        self.pages.rx.read(0, &mut bytes[..len]);
        self.release_rx()?;
        if count == 0 {
            return Ok(None);
        }
        Ok(PartitionInfo::decode(&bytes, size, 0))
    }

    /// The endpoint ID of the partition with `uuid`; fails when it is absent.
    pub fn partition_id(&self, uuid: Uuid) -> Result<u16, Failure> {
        match self.find_partition(uuid)? {
            Some(p) => Ok(p.id),
            None => fail!("no partition with UUID {uuid}"),
        }
    }

    /// FFA_RX_RELEASE, which must succeed.
    pub fn release_rx(&self) -> CaseResult {
        let r = self.ffa.rx_release();
        if !r.is_success() {
            fail!("FFA_RX_RELEASE: want FFA_SUCCESS, got {}", r.summary());
        }
        Ok(())
    }

    /// Maps the harness's TX and RX pages again (after a case unmapped them).
    pub fn remap_rxtx(&self) -> CaseResult {
        let r = self.ffa.rxtx_map(self.pages.tx.addr(), self.pages.rx.addr(), 1);
        if !r.is_success() {
            fail!("restoring the RX/TX mapping: FFA_RXTX_MAP_64 gave {}", r.summary());
        }
        Ok(())
    }
}
