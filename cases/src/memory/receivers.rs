//! Transactions with several receivers (DEN0077A v1.1 10.11: one endpoint memory access
//! descriptor per receiver): the normal world shares one page with two secure partitions, the
//! suite's sp and its second instance (Hafnium's `sp-second`); a stack without both skips.

use super::retrieve::{sp_ask, sp_relinquish, Ask, PATTERN};
use super::{reclaim_ok, send_ok, transaction};
use crate::sp::partitions::SECOND;
use crate::sp::{peer_id, sp_id, SP_UUID};
use ffa_harness::desc::memory::{AccessPerms, Constituent, Handle, Receiver, TransactionType};
use ffa_harness::ffa::FuncId;
use ffa_harness::pages::pool;
use ffa_harness::spec::{MEM_RETRIEVE, MEM_SHARE};
use ffa_harness::{case, fail, Ctx, Failure, Need};

/// The cases share with the sp and its second instance.
const NEEDS_TWO: &[Need] = &[Need::Partition(SP_UUID), Need::Partition(SECOND.uuid)];

/// The two receivers: the suite's sp first, its second instance next.
fn two_partitions(ctx: &Ctx) -> Result<[u16; 2], Failure> {
    Ok([sp_id(ctx)?, peer_id(ctx, &SECOND)?])
}

/// Shares pool page 0, filled with the pattern, read-write with `ids`.
pub(super) fn share_with(ctx: &Ctx, ids: [u16; 2]) -> Result<Handle, Failure> {
    pool()[0].fill(PATTERN);
    let to = ids.map(|id| Receiver::new(id, AccessPerms::RW));
    let c = [Constituent::new(pool()[0].addr(), 1)];
    let tx = transaction(ctx, FuncId::MEM_SHARE_32, &to, &c);
    send_ok(ctx, FuncId::MEM_SHARE_32, &tx.encoded(ctx.session.negotiated))
}

case! {
    /// A share may name several receivers (DEN0077A v1.1 10.11: one endpoint memory access
    /// descriptor per receiver): one page shared with two secure partitions is accepted, and
    /// the owner reclaims it before either retrieved it.
    "memory.share.two_receivers_accepted", MEM_SHARE, abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RECLAIM]), needs(NEEDS_TWO);
    fn two_receivers(ctx) {
        let ids = two_partitions(ctx)?;
        let h = share_with(ctx, ids)?;
        reclaim_ok(ctx, h)
    }
}

case! {
    /// Of a share with two receivers, the suite's sp retrieves and relinquishes its part, the
    /// other never retrieves: the owner reclaims (16.7: the reclaim waits only for borrowers
    /// that retrieved). The sp's request lists both borrowers, as the sender's descriptor does
    /// (Hafnium `ffa_memory_retrieve_validate_memory_access_list` refuses a request that lists
    /// fewer, INVALID_PARAMETERS, unless it sets the bypass-borrowers-check flag).
    "memory.retrieve.one_of_two_receivers", MEM_RETRIEVE,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_TWO);
    fn one_of_two(ctx) {
        let ids = two_partitions(ctx)?;
        let h = share_with(ctx, ids)?;
        let got = sp_ask(ctx, Ask { peer: ids[1], ..Ask::of(ctx, h, TransactionType::Share) })?;
        let relinquished = if got.is_ok() { sp_relinquish(ctx, h)? } else { Ok(()) };
        reclaim_ok(ctx, h)?;
        match (got, relinquished) {
            (Ok(v), Ok(())) if v[0] == 0 => Ok(()),
            (Ok(v), Ok(())) => fail!("the sp refused the response: verdict {} detail {:#x}", v[0] >> 56, v[0] & ((1 << 56) - 1)),
            (Ok(_), Err(e)) => fail!("the sp's FFA_MEM_RELINQUISH was refused: {e:?}"),
            (Err(e), _) => fail!("the sp's retrieve of its part was refused: {e:?}"),
        }
    }
}
