//! FF-A notifications (DEN0077A v1.1 chapter 17): the flag bits of BIND, SET and GET, and the
//! decoding of FFA_NOTIFICATION_INFO_GET's answer. The encodings are those the Linux driver
//! (`drivers/firmware/arm_ffa/driver.c`), Hafnium (`inc/vmapi/hf/ffa.h`) and OP-TEE
//! (`thread_spmc.c`) share: x2 holds the more-pending flag in bit 0, the number of lists in
//! bits [11:7] and, from bit 12, two bits per list giving its number of IDs minus one; x3..x7
//! hold the IDs, 16 bits each, a list being an endpoint ID followed by its vCPU IDs.

use crate::ffa::Regs;

/// BIND flags (w2) bit 0: the bits are per-vCPU notifications.
pub const BIND_PER_VCPU: u32 = 1 << 0;
/// SET flags (w2) bit 0: a per-vCPU notification, for the vCPU in bits [31:16].
pub const SET_PER_VCPU: u32 = 1 << 0;
/// SET flags bit 1: do not raise the schedule-receiver interrupt now.
pub const SET_DELAY_SRI: u32 = 1 << 1;
/// GET flags (w2) bit 0: the bitmap SPs set.
pub const GET_FROM_SP: u32 = 1 << 0;
/// GET flags bit 1: the bitmap VMs set.
pub const GET_FROM_VM: u32 = 1 << 1;
/// GET flags bit 2: the SPM's framework notifications.
pub const GET_FROM_SPM: u32 = 1 << 2;
/// GET flags bit 3: the hypervisor's framework notifications.
pub const GET_FROM_HYP: u32 = 1 << 3;

/// SET flags bits [31:16]: the vCPU of a per-vCPU notification.
pub const fn set_vcpu(vcpu: u16) -> u32 {
    (vcpu as u32) << 16
}

/// The most lists one answer can describe: 2-bit size fields from bit 12 up to bit 31 of w2
/// for the 32-bit form; the 64-bit form has room for as many lists as IDs.
const MAX_LISTS: usize = 20;

/// One list of an INFO_GET answer: an endpoint and the vCPUs of it with something pending
/// (none for a global notification).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InfoList {
    /// The endpoint ID.
    pub id: u16,
    /// How many vCPU IDs follow it (0..=3).
    pub vcpu_count: usize,
    /// The vCPU IDs.
    pub vcpus: [u16; 3],
}

/// A decoded FFA_NOTIFICATION_INFO_GET success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    /// x2 bit 0: more is pending than this answer holds.
    pub more_pending: bool,
    /// How many lists the answer has.
    pub count: usize,
    lists: [InfoList; MAX_LISTS],
}

impl Info {
    /// The lists, in the order of the answer.
    pub fn lists(&self) -> &[InfoList] {
        &self.lists[..self.count]
    }
}

/// Why an INFO_GET answer does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InfoError {
    /// x2 bits [6:1] are reserved (MBZ) and hold this.
    Reserved(u64),
    /// A success with no list: nothing pending is FFA_ERROR(NO_DATA).
    NoLists,
    /// The lists need more IDs than the form has room for.
    TooManyIds {
        /// IDs the lists need.
        ids: usize,
        /// IDs the form carries (10 for 32-bit, 20 for 64-bit).
        room: usize,
    },
    /// A list-size field past the last list is not zero.
    StraySize(usize),
}

impl core::fmt::Display for InfoError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Reserved(v) => write!(f, "x2 bits [6:1] (reserved, MBZ) hold {v:#x}"),
            Self::NoLists => f.write_str("a success with no list (nothing pending is NO_DATA)"),
            Self::TooManyIds { ids, room } => write!(f, "the lists need {ids} IDs, the form has room for {room}"),
            Self::StraySize(i) => write!(f, "the size field of list {i}, past the last list, is not zero"),
        }
    }
}

/// How many 16-bit IDs x3..x7 carry: two per register in the 32-bit form (w3..w7), four in
/// the 64-bit one.
pub const fn id_room(wide: bool) -> usize {
    if wide {
        20
    } else {
        10
    }
}

/// ID slot `k` of an answer (the 32-bit form uses the low halves only).
fn id_at(r: &Regs, wide: bool, k: usize) -> u16 {
    let per_reg = if wide { 4 } else { 2 };
    (r.x(3 + k / per_reg) >> ((k % per_reg) * 16)) as u16
}

/// Decodes the success `r` of the 32-bit (`wide` false) or 64-bit form.
pub fn decode_info(r: &Regs, wide: bool) -> Result<Info, InfoError> {
    let x2 = if wide { r.x(2) } else { u64::from(r.w(2)) };
    if x2 & 0x7e != 0 {
        return Err(InfoError::Reserved(x2 & 0x7e));
    }
    let count = ((x2 >> 7) & 0x1f) as usize;
    if count == 0 {
        return Err(InfoError::NoLists);
    }
    let room = id_room(wide);
    let size_fields = if wide { MAX_LISTS } else { 10 };
    let size = |i: usize| ((x2 >> (12 + 2 * i)) & 3) as usize;
    let ids: usize =
        (0..count.min(size_fields)).map(|i| size(i) + 1).sum::<usize>() + count.saturating_sub(size_fields);
    if ids > room || count > size_fields {
        return Err(InfoError::TooManyIds { ids, room });
    }
    if let Some(i) = (count..size_fields).find(|&i| size(i) != 0) {
        return Err(InfoError::StraySize(i));
    }
    let mut info = Info { more_pending: x2 & 1 != 0, count, lists: [InfoList::default(); MAX_LISTS] };
    let mut k = 0;
    for (i, list) in info.lists[..count].iter_mut().enumerate() {
        list.id = id_at(r, wide, k);
        list.vcpu_count = size(i);
        for v in 0..list.vcpu_count {
            list.vcpus[v] = id_at(r, wide, k + 1 + v);
        }
        k += 1 + list.vcpu_count;
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffa::FuncId;

    #[test]
    fn one_global_list_as_optee_answers() {
        // OP-TEE's answer for VM 0 with something pending: one list of one ID.
        let r = Regs::call(FuncId::SUCCESS_32).with(2, 1 << 7);
        let info = decode_info(&r, false).expect("decodes");
        assert!(!info.more_pending);
        assert_eq!(info.lists(), &[InfoList { id: 0, vcpu_count: 0, vcpus: [0; 3] }]);
    }

    #[test]
    fn lists_with_vcpus_across_registers() {
        // List 0: 0x8001 with vCPUs 1 and 2; list 1: 0x8002 alone; list 2: 0x0003 with vCPU 7.
        let x2 = 1 | 3 << 7 | 2 << 12 | 1 << 16;
        let r = Regs::call(FuncId::SUCCESS_64)
            .with(2, x2)
            .with(3, 0x8001 | 1 << 16 | 2 << 32 | 0x8002 << 48)
            .with(4, 0x0003 | 7 << 16);
        let info = decode_info(&r, true).expect("decodes");
        assert!(info.more_pending);
        assert_eq!(info.lists()[0], InfoList { id: 0x8001, vcpu_count: 2, vcpus: [1, 2, 0] });
        assert_eq!(info.lists()[1], InfoList { id: 0x8002, vcpu_count: 0, vcpus: [0; 3] });
        assert_eq!(info.lists()[2], InfoList { id: 3, vcpu_count: 1, vcpus: [7, 0, 0] });
        // The same IDs in the 32-bit form sit two to a register.
        let r32 = Regs::call(FuncId::SUCCESS_32)
            .with(2, x2)
            .with(3, 0x8001 | 1 << 16)
            .with(4, 2 | 0x8002 << 16)
            .with(5, 3 | 7 << 16);
        assert_eq!(decode_info(&r32, false).expect("decodes").lists(), info.lists());
    }

    #[test]
    fn malformed_answers_are_named() {
        let r = |x2: u64| Regs::call(FuncId::SUCCESS_32).with(2, x2);
        assert_eq!(decode_info(&r(0), false), Err(InfoError::NoLists));
        assert_eq!(decode_info(&r(1 << 7 | 1 << 3), false), Err(InfoError::Reserved(8)));
        assert_eq!(decode_info(&r(1 << 7 | 1 << 14), false), Err(InfoError::StraySize(1)));
        // Ten lists of four IDs each cannot fit in ten 32-bit slots.
        let full = (0..10).fold(10 << 7, |x, i| x | 3 << (12 + 2 * i));
        assert_eq!(decode_info(&r(full), false), Err(InfoError::TooManyIds { ids: 40, room: 10 }));
        assert_eq!(InfoError::NoLists.to_string(), "a success with no list (nothing pending is NO_DATA)");
    }
}
