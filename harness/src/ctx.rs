//! What a case body gets: the FF-A call layer, the session the image negotiated at boot, and
//! the shared pages, plus helpers several cases need (finding a partition, reading RX).

use crate::cores::{self, CoreJob, CoreResults, CoreValue, PerCore, MAX_CORES};
use crate::desc::{PartitionInfo, Uuid};
use crate::discovery::{list_partitions, Listing, ListingError};
use crate::ffa::{Ffa, FfaError, Version};
use crate::pages::{Pages, PAGES};
use crate::platform::{MachineInfo, Platform};
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
    /// The platform, for work on other cores.
    pub platform: &'a dyn Platform,
}

impl<'a> Ctx<'a> {
    /// A context over the image's shared pages.
    pub fn new(ffa: &'a Ffa, session: &'a Session, platform: &'a dyn Platform) -> Self {
        Self { ffa, session, pages: &PAGES, machine: platform.info(), platform }
    }

    /// How many cores the machine runs jobs on.
    pub fn core_count(&self) -> usize {
        self.platform.core_count().min(MAX_CORES)
    }

    /// Runs `job` on core `core` (0 is the one running the case) and returns what it
    /// returned; a failure there is reported with the core named.
    pub fn on_core(&self, core: usize, job: CoreJob) -> Result<CoreValue, Failure> {
        if core >= self.core_count() {
            fail!("core {core} does not exist: the machine has {} cores", self.core_count());
        }
        let mut out: CoreResults = [None; MAX_CORES];
        self.platform.run_on_cores(self, 1 << core, job, &mut out);
        match out[core] {
            Some(Ok(v)) => Ok(v),
            Some(Err(f)) => Err(cores::on_core(core, &f)),
            None => fail!("core {core} returned nothing"),
        }
    }

    /// Runs `job` on every core at once (released together after a barrier) and returns each
    /// core's values; the first failure, with its core named, fails the case.
    pub fn on_all_cores(&self, job: CoreJob) -> Result<PerCore, Failure> {
        let n = self.core_count();
        let mut out: CoreResults = [None; MAX_CORES];
        self.platform.run_on_cores(self, ((1u64 << n) - 1) as u32, job, &mut out);
        let all = cores::collect(&out)?;
        if all.count != n {
            fail!("{} of {n} cores returned", all.count);
        }
        Ok(all)
    }

    /// The negotiated version.
    pub fn version(&self) -> Version {
        self.session.negotiated
    }

    /// The partitions matching `uuid` (nil for all), decoded, with RX released again.
    pub fn partitions(&self, uuid: Uuid) -> Result<Listing, Failure> {
        list_partitions(self.ffa, &self.pages.rx, self.version(), uuid).map_err(|e| listing_failure(uuid, e))
    }

    /// Looks up a partition by UUID. `Ok(None)` when the SPMC says no partition has it (an
    /// INVALID_PARAMETERS answer, or a count of 0: implementations differ); any other failure
    /// is an error, not an absence.
    pub fn find_partition(&self, uuid: Uuid) -> Result<Option<PartitionInfo>, Failure> {
        match list_partitions(self.ffa, &self.pages.rx, self.version(), uuid) {
            Err(ListingError::Call(r)) if r.error() == Some(FfaError::InvalidParameters) => Ok(None),
            other => Ok(other.map_err(|e| listing_failure(uuid, e))?.iter().next().copied()),
        }
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

fn listing_failure(uuid: Uuid, e: ListingError) -> Failure {
    match e {
        ListingError::Call(r) => {
            Failure::new(file!(), line!(), format_args!("FFA_PARTITION_INFO_GET({uuid}): {}", r.summary()))
        }
        ListingError::Undecodable { index, size } => Failure::new(
            file!(),
            line!(),
            format_args!("FFA_PARTITION_INFO_GET({uuid}): descriptor {index} of size {size} does not decode"),
        ),
        ListingError::Release(r) => {
            Failure::new(file!(), line!(), format_args!("FFA_RX_RELEASE after FFA_PARTITION_INFO_GET: {}", r.summary()))
        }
    }
}
