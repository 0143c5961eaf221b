//! The hypervisor retrieve request: the normal world's hypervisor asks the SPMC, with
//! FFA_MEM_RETRIEVE_REQ, for the description of a transaction a VM sent (FF-A v1.2 17.4.3, as
//! Hafnium's `is_ffa_hypervisor_retrieve_request` quotes it). It is a transaction header with
//! the handle and every other field zero: no access descriptor (count 0) and, from v1.1, an
//! access descriptor size and offset of 0 (Hafnium
//! `api_ffa_memory_hypervisor_retrieve_request_validate`). 32 bytes at v1.0, 48 from v1.1.

use super::layout::{HeaderV1_0, HeaderV1_1, Layout};
use super::transaction::Descriptor;
use super::Handle;
use crate::ffa::Version;
use zerocopy::IntoBytes;

/// A hypervisor retrieve request for `handle`, in the header layout of `version`.
#[derive(Clone, Copy, Debug)]
pub struct HypervisorRetrieve {
    /// The transaction asked about.
    pub handle: Handle,
    /// The FF-A version whose header layout is written.
    pub version: Version,
    /// The tag (0 in a valid request; a case sets it to see the request refused).
    pub tag: u64,
}

impl HypervisorRetrieve {
    /// The request for `handle` at `version`, tag 0.
    pub const fn new(handle: Handle, version: Version) -> Self {
        Self { handle, version, tag: 0 }
    }
}

impl Descriptor for HypervisorRetrieve {
    fn len(&self) -> usize {
        Layout::of(self.version).header_size()
    }

    fn write(&self, offset: usize, out: &mut [u8]) {
        let mut header = [0u8; 48];
        if self.len() == 32 {
            let h = HeaderV1_0 { handle: self.handle.0, tag: self.tag, ..HeaderV1_0::default() };
            header[..32].copy_from_slice(h.as_bytes());
        } else {
            let h = HeaderV1_1 { handle: self.handle.0, tag: self.tag, ..HeaderV1_1::default() };
            header.copy_from_slice(h.as_bytes());
        }
        for (i, o) in out.iter_mut().enumerate() {
            *o = header.get(offset + i).copied().unwrap_or(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(r: HypervisorRetrieve) -> Vec<u8> {
        let mut out = vec![0xee; r.len()];
        r.write(0, &mut out);
        out
    }

    #[test]
    fn v1_0_is_a_32_byte_header_with_only_the_handle_and_tag() {
        let r =
            HypervisorRetrieve { tag: 0x1122, ..HypervisorRetrieve::new(Handle(0x8877_6655_4433_2211), Version::V1_0) };
        let mut want = vec![0u8; 32];
        want[8..16].copy_from_slice(&[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
        want[16..18].copy_from_slice(&[0x22, 0x11]);
        assert_eq!(bytes(r), want);
    }

    #[test]
    fn v1_1_and_v1_2_are_a_48_byte_header_with_size_count_and_offset_zero() {
        for v in [Version::V1_1, Version::V1_2] {
            let r = HypervisorRetrieve::new(Handle(0x0102), v);
            let mut want = vec![0u8; 48];
            want[8] = 0x02;
            want[9] = 0x01;
            assert_eq!(bytes(r), want, "{v:?}");
        }
    }

    #[test]
    fn bytes_past_the_end_are_zero() {
        let r = HypervisorRetrieve::new(Handle(u64::MAX), Version::V1_1);
        let mut out = [0xee; 8];
        r.write(44, &mut out);
        assert_eq!(out, [0; 8]);
    }
}
