//! The borrower's side of FFA_MEM_RETRIEVE_REQ (DEN0077A v1.1 16.5): the request goes in TX
//! (in one fragment: TF-A's EL3 SPMC refuses fragmented requests), the SPMC answers
//! FFA_MEM_RETRIEVE_RESP with w1 the total length and w2 the fragment in RX; the rest comes with
//! FFA_MEM_FRAG_RX (16.9: w1/w2 the handle, w3 the offset), each answered FFA_MEM_FRAG_TX with
//! w3 the fragment's length. RX is released after each fragment is copied out.

use super::write_tx;
use crate::desc::memory::{Descriptor, Handle};
use crate::ffa::{Ffa, FuncId, Regs};
use crate::pages::{Page, PAGE_SIZE};
use crate::{check, check_eq, check_success, Failure};

/// A retrieve response, reassembled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retrieved {
    /// Its total length (w1 of FFA_MEM_RETRIEVE_RESP).
    pub total: usize,
    /// How many fragments it came in.
    pub fragments: u32,
}

/// Why a retrieve did not produce a response.
#[derive(Debug)]
pub enum RetrieveError {
    /// The SPMC answered the request with this instead of FFA_MEM_RETRIEVE_RESP.
    Refused(Regs),
    /// The SPMC answered FFA_MEM_FRAG_RX for the fragment at `offset` with `answer`, not
    /// FFA_MEM_FRAG_TX.
    FragmentRefused { offset: u32, answer: Regs },
    /// The response broke the protocol, or is larger than the reader's buffer.
    Broken(Failure),
}

/// Sends retrieve request `request` for `handle` and copies the whole response into `out`.
pub fn retrieve(
    ffa: &Ffa,
    tx: &Page,
    rx: &Page,
    handle: Handle,
    request: &dyn Descriptor,
    out: &mut [u8],
) -> Result<Retrieved, RetrieveError> {
    let len = request.len().min(PAGE_SIZE);
    write_tx(tx, request, 0, len);
    let r = ffa.mem_retrieve_req(len as u32, len as u32);
    if r.func() != FuncId::MEM_RETRIEVE_RESP {
        return Err(RetrieveError::Refused(r));
    }
    super::held::note_retrieved(handle);
    match reassemble(ffa, rx, handle, &r, out) {
        Ok(Ok(got)) => Ok(got),
        Ok(Err((offset, answer))) => Err(RetrieveError::FragmentRefused { offset, answer }),
        Err(f) => Err(RetrieveError::Broken(f)),
    }
}

/// What [`reassemble`] ends with: the response, or the offset of the fragment FFA_MEM_FRAG_RX
/// was refused for and the SPMC's answer.
type Reassembled = Result<Retrieved, (u32, Regs)>;

/// Copies the response `r` announced, fragment by fragment, into `out`.
fn reassemble(ffa: &Ffa, rx: &Page, handle: Handle, r: &Regs, out: &mut [u8]) -> Result<Reassembled, Failure> {
    let total = r.w(1) as usize;
    check!(total <= out.len(), "the retrieve response is {total} bytes, more than the {} the reader has", out.len());
    let mut fragment = r.w(2) as usize;
    let mut got = 0;
    let mut fragments = 0;
    loop {
        check!(
            fragment > 0 && fragment <= PAGE_SIZE && got + fragment <= total,
            "a fragment of {fragment} bytes at offset {got} of a {total}-byte response"
        );
        rx.read(0, &mut out[got..got + fragment]);
        got += fragment;
        fragments += 1;
        check_success!(ffa.rx_release(), "FFA_RX_RELEASE after fragment {fragments} of the retrieve response");
        if got == total {
            return Ok(Ok(Retrieved { total, fragments }));
        }
        let f = ffa.mem_frag_rx(handle, got as u32);
        if f.func() != FuncId::MEM_FRAG_TX {
            return Ok(Err((got as u32, f)));
        }
        check_eq!(Handle::from_words(f.w(1), f.w(2)), handle, "handle in FFA_MEM_FRAG_TX");
        fragment = f.w(3) as usize;
    }
}
