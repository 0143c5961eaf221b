//! The sending side of FFA_MEM_SHARE / LEND / DONATE (DEN0077A v1.1 16.2-16.4) with
//! fragmentation (16.9 FFA_MEM_FRAG_RX, 16.10 FFA_MEM_FRAG_TX): the first fragment goes with
//! the send call (w1 total length, w2 fragment length); while the SPMC answers FFA_MEM_FRAG_RX
//! (w1/w2 the handle, w3 the bytes it has so far) the next fragment goes with
//! FFA_MEM_FRAG_TX. Each FRAG_RX round is checked: the same handle every round, the offset
//! the bytes sent so far.

use crate::desc::memory::{Descriptor, Handle};
use crate::ffa::{Ffa, FuncId, Regs};
use crate::pages::{Page, PAGE_SIZE};
use crate::{check_eq, fail, Failure};

/// Writes bytes `offset..offset + len` of `desc` to the start of `tx`.
pub fn write_tx(tx: &Page, desc: &dyn Descriptor, offset: usize, len: usize) {
    let mut chunk = [0u8; 256];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(chunk.len());
        desc.write(offset + done, &mut chunk[..n]);
        tx.write(done, &chunk[..n]);
        done += n;
    }
}

/// Sends `desc` with `func` (a share, lend or donate) from `sender`, in fragments of at most
/// `fragment` bytes (at most one page, the TX buffer). Returns the SPMC's last answer:
/// FFA_SUCCESS with the handle in w2/w3, or the error. Fails when an FFA_MEM_FRAG_RX round
/// breaks the protocol.
pub fn send(
    ffa: &Ffa,
    tx: &Page,
    func: FuncId,
    desc: &dyn Descriptor,
    sender: u16,
    fragment: usize,
) -> Result<Regs, Failure> {
    let total = desc.len();
    let fragment = fragment.clamp(1, PAGE_SIZE);
    let mut sent = total.min(fragment);
    write_tx(tx, desc, 0, sent);
    let mut answer = ffa.mem_send(func, total as u32, sent as u32);
    let mut handle = None;
    while answer.func() == FuncId::MEM_FRAG_RX {
        let h = Handle::from_words(answer.w(1), answer.w(2));
        if *handle.get_or_insert(h) != h {
            fail!("FFA_MEM_FRAG_RX changed the handle from {:#x} to {:#x}", handle.map_or(0, |h: Handle| h.0), h.0);
        }
        check_eq!(answer.w(3) as usize, sent, "FFA_MEM_FRAG_RX w3 (the bytes received so far)");
        if sent >= total {
            fail!("FFA_MEM_FRAG_RX asks for more after all {total} bytes were sent");
        }
        let n = (total - sent).min(fragment);
        write_tx(tx, desc, sent, n);
        answer = ffa.mem_frag_tx(h, n as u32, sender);
        sent += n;
    }
    Ok(answer)
}
