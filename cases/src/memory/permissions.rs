//! What a sender may ask for its receivers and its memory by transaction type (DEN0077A v1.1
//! 10.10.3 access permissions, 10.10.4 memory region attributes, 10.11.2 transaction flags of
//! a send): instruction access is not for the sender of a share to give, data access must be
//! given for a share and a lend and must not be for a donate, and the flags a send defines
//! are bits [1:0] (the retrieve-only fields above them are reserved there). Negative rules
//! expect INVALID_PARAMETERS; a transaction the SPMC accepts instead is reclaimed by the
//! executor after the failure.

use super::descriptor::{one_page, to_receivers, INVALID, LEND, NEEDS, NEEDS_LEND, SHARE};
use super::{check_refused, direct_receiver, handle_of, receiver, reclaim_ok, send_ok, send_refused, transaction};
use ffa_harness::desc::memory::{AccessPerms, Descriptor, MemAttributes, Receiver, Transaction, TransactionFlags};
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::memory::send;
use ffa_harness::pages::PAGE_SIZE;
use ffa_harness::spec::{MEM_DESCRIPTOR, MEM_DONATE, MEM_LEND, MEM_SHARE};
use ffa_harness::{case, CaseResult, Ctx, Need};

/// Sends the one page to the receiver with access `perms`, expecting INVALID_PARAMETERS.
fn with_perms(ctx: &Ctx, f: FuncId, perms: u8, what: &str) -> CaseResult {
    to_receivers(ctx, f, &[Receiver::new(direct_receiver(ctx)?, AccessPerms(perms))], INVALID, what)
}

case! {
    /// A share's receiver gets no execute access the sender could grant: instruction access
    /// "executable" is INVALID_PARAMETERS (DEN0077A v1.1 10.10.3: for FFA_MEM_SHARE the sender
    /// leaves it unspecified; Hafnium `ffa_memory_send_validate` refuses any other value;
    /// OP-TEE `mem_op_init` takes exactly read-write).
    "memory.share.instruction_executable_invalid", MEM_SHARE, abis(SHARE), needs(NEEDS);
    fn share_executable(ctx) {
        with_perms(ctx, FuncId::MEM_SHARE_32, AccessPerms::DATA_RW | AccessPerms::INSTR_X, "read-write executable")
    }
}

/// The rule of `memory.share.data_access_reserved_invalid` for `f`.
fn data_reserved(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    with_perms(ctx, f, 3, "data access 0b11 (reserved)")
}

case! {
    /// Data access 0b11 is reserved (10.10.3, Table 10.15): INVALID_PARAMETERS (Hafnium
    /// `ffa_memory_send_validate`: "Reserved value for receiver permissions").
    "memory.share.data_access_reserved_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| data_reserved(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.data_access_reserved_invalid`, for FFA_MEM_LEND.
    "memory.lend.data_access_reserved_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| data_reserved(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.data_not_specified_invalid` for `f`.
fn data_not_specified(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    with_perms(ctx, f, AccessPerms::DATA_NOT_SPECIFIED, "data access not specified")
}

case! {
    /// The sender of a share says what data access its receiver gets: "not specified" is
    /// INVALID_PARAMETERS (10.10.3; Hafnium `ffa_memory_send_validate`: "Invalid data access
    /// permissions ... for sharing memory").
    "memory.share.data_not_specified_invalid", MEM_SHARE, abis(SHARE), needs(NEEDS);
    run: |ctx| data_not_specified(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.data_not_specified_invalid`, for a lend to one receiver (Hafnium: "...
    /// for lending memory").
    "memory.lend.data_not_specified_invalid", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| data_not_specified(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// A donate gives the memory away: its sender leaves the data access unspecified, the
    /// receiver becoming the owner; read-write is INVALID_PARAMETERS (Hafnium
    /// `ffa_memory_send_validate`: "Invalid data access permissions ... for donating memory").
    "memory.donate.data_access_specified_invalid", MEM_DONATE,
    abis(&[FuncId::MEM_DONATE_32]), needs(&[Need::Abi(FuncId::MEM_DONATE_32)]);
    fn donate_rw(ctx) {
        with_perms(ctx, FuncId::MEM_DONATE_32, AccessPerms::DATA_RW, "read-write")
    }
}

case! {
    /// A share may give its receiver read-only access (10.10.3): accepted and reclaimed.
    "memory.share.read_only_accepted", MEM_SHARE, abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RECLAIM]), needs(NEEDS);
    fn read_only(ctx) {
        let to = [Receiver::new(direct_receiver(ctx)?, AccessPerms(AccessPerms::DATA_RO))];
        let c = one_page();
        let tx = transaction(ctx, FuncId::MEM_SHARE_32, &to, &c);
        let h = send_ok(ctx, FuncId::MEM_SHARE_32, &tx.encoded(ctx.session.negotiated))?;
        reclaim_ok(ctx, h)
    }
}

/// Sends the one page with `f` to the receiver with the memory attributes `attributes`,
/// expecting one of `codes`.
fn with_attributes(ctx: &Ctx, f: FuncId, attributes: MemAttributes, codes: &[FfaError], what: &str) -> CaseResult {
    let to = receiver(ctx)?;
    let c = one_page();
    let tx = Transaction { attributes, ..transaction(ctx, f, &to, &c) };
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, e.len(), e.len(), codes, what)
}

case! {
    /// The lender to a single borrower leaves the memory type to the borrower (10.10.4.1:
    /// "not specified" for a lend with one borrower): normal write-back is INVALID_PARAMETERS
    /// (Hafnium `ffa_memory_send_validate`; OP-TEE `mem_op_init` wants a lend's attributes 0).
    "memory.lend.memory_type_specified_invalid", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    fn lend_typed(ctx) {
        with_attributes(ctx, FuncId::MEM_LEND_32, MemAttributes::NORMAL_WB_INNER, INVALID, "normal write-back attributes")
    }
}

case! {
    /// The owner of shared memory keeps using it, so a share names its memory type
    /// (10.10.4.1): "not specified" is refused, INVALID_PARAMETERS (OP-TEE `mem_op_init` wants
    /// normal write-back) or DENIED (Hafnium `ffa_memory_attributes_validate`); no DEN0077A
    /// sentence read here names the code, both accepted.
    "memory.share.memory_type_not_specified_refused", MEM_SHARE, abis(SHARE), needs(NEEDS);
    fn share_untyped(ctx) {
        with_attributes(ctx, FuncId::MEM_SHARE_32, MemAttributes::NOT_SPECIFIED, &[FfaError::InvalidParameters, FfaError::Denied], "attributes not specified")
    }
}

/// The rule of `memory.share.alignment_hint_flag_invalid` for `f`.
fn alignment_hint(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let flags = TransactionFlags::alignment_hint(1);
    super::descriptor::patched(
        ctx,
        f,
        ffa_harness::desc::memory::layout::offsets::FLAGS,
        &flags.to_le_bytes(),
        INVALID,
        "the address range alignment hint",
    )
}

case! {
    /// The address range alignment hint (flags bits [9:5]) is a retrieve request's field
    /// (10.11.2, Table 10.22); in a send those bits are reserved: INVALID_PARAMETERS
    /// (Hafnium `ffa_memory_send_validate`: "Invalid flags"; TF-A `spmc_ffa_fill_desc`
    /// takes no flag but the transaction type).
    "memory.share.alignment_hint_flag_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| alignment_hint(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.alignment_hint_flag_invalid`, for FFA_MEM_LEND.
    "memory.lend.alignment_hint_flag_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| alignment_hint(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.time_slicing_flag` for `f`.
fn time_slicing(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let c = one_page();
    let tx = Transaction { flags: TransactionFlags(TransactionFlags::TIME_SLICING), ..transaction(ctx, f, &to, &c) };
    let r = send(ctx.ffa, &ctx.pages.tx, f, &tx.encoded(ctx.session.negotiated), ctx.session.own_id, PAGE_SIZE)?;
    if r.is_success() {
        let h = handle_of(&r, f)?;
        return reclaim_ok(ctx, h);
    }
    check_refused(&r, &[FfaError::InvalidParameters], format_args!("{f} with the time-slicing flag"))
}

case! {
    /// Flags bit 1 asks the SPMC to time-slice the operation (10.11.2), which it may not
    /// support. No DEN0077A sentence read here says how: Hafnium (`ffa_memory_send_validate`:
    /// "Invalid flags") and TF-A (`spmc_ffa_fill_desc`) refuse it with INVALID_PARAMETERS,
    /// OP-TEE ignores it and completes the share. Both accepted; any other answer is not.
    "memory.share.time_slicing_flag", MEM_DESCRIPTOR, abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RECLAIM]), needs(NEEDS);
    run: |ctx| time_slicing(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.time_slicing_flag`, for FFA_MEM_LEND.
    "memory.lend.time_slicing_flag", MEM_DESCRIPTOR, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RECLAIM]), needs(NEEDS_LEND);
    run: |ctx| time_slicing(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// A lender to a single borrower may give it instruction access (10.10.3: the sender of
    /// a lend to one borrower specifies it; only a share and a lend to several borrowers
    /// leave it unspecified): read-write not-executable is accepted and reclaimed. Hafnium
    /// (`ffa_memory_send_validate`: "Invalid instruction access permissions ... for sending
    /// memory") and OP-TEE (`mem_op_init`: exactly read-write) refuse it.
    "memory.lend.instruction_nx_accepted", MEM_LEND, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RECLAIM]), needs(NEEDS_LEND);
    fn lend_nx(ctx) {
        let to = [Receiver::new(direct_receiver(ctx)?, AccessPerms::RW_NX)];
        let c = one_page();
        let tx = transaction(ctx, FuncId::MEM_LEND_32, &to, &c);
        let h = send_ok(ctx, FuncId::MEM_LEND_32, &tx.encoded(ctx.session.negotiated))?;
        reclaim_ok(ctx, h)
    }
}
