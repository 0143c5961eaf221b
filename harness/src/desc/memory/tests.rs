//! Golden layouts, derived by hand from the tables the module comments cite, and round trips
//! through the decoder.

use super::*;
use crate::ffa::Version;

/// Bytes from whitespace-separated hex pairs.
fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
}

fn all(d: &dyn Descriptor) -> Vec<u8> {
    let mut out = vec![0xaa; d.len()];
    d.write(0, &mut out);
    out
}

const RW: [Receiver; 1] = [Receiver::new(0x8001, AccessPerms::RW)];
const ONE: [Constituent; 1] = [Constituent::new(0x4000_1000, 2)];

fn share() -> Transaction<'static> {
    Transaction {
        sender: 0,
        attributes: MemAttributes::NORMAL_WB_INNER,
        flags: TransactionFlags(0),
        handle: Handle(0),
        tag: 0x1122_3344_5566_7788,
        receivers: &RW,
        constituents: Some(&ONE),
    }
}

const TAG: &str = "88 77 66 55 44 33 22 11";
const COMPOSITE_AND_CONSTITUENT: &str =
    "02 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00  00 10 00 40 00 00 00 00 02 00 00 00 00 00 00 00";

#[test]
fn v1_0_layout_is_the_32_byte_header_then_16_byte_access_descriptors() {
    let want = hex(&format!(
        "00 00 2f 00 00 00 00 00  00 00 00 00 00 00 00 00  {TAG}  00 00 00 00 01 00 00 00
         01 80 02 00 30 00 00 00  00 00 00 00 00 00 00 00  {COMPOSITE_AND_CONSTITUENT}"
    ));
    assert_eq!(all(&share().encoded(Version::V1_0)), want);
}

#[test]
fn v1_1_layout_has_size_count_and_offset_of_the_access_array() {
    let want = hex(&format!(
        "00 00 2f 00 00 00 00 00  00 00 00 00 00 00 00 00  {TAG}  10 00 00 00 01 00 00 00
         30 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
         01 80 02 00 40 00 00 00  00 00 00 00 00 00 00 00  {COMPOSITE_AND_CONSTITUENT}"
    ));
    assert_eq!(all(&share().encoded(Version::V1_1)), want);
}

#[test]
fn v1_2_access_descriptor_is_32_bytes_with_impdef_at_8() {
    let receivers = [Receiver { impdef: [0x0102_0304_0506_0708, 0x1112_1314_1516_1718], ..RW[0] }];
    let tx = Transaction { receivers: &receivers, ..share() };
    let want = hex(&format!(
        "00 00 2f 00 00 00 00 00  00 00 00 00 00 00 00 00  {TAG}  20 00 00 00 01 00 00 00
         30 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
         01 80 02 00 50 00 00 00  08 07 06 05 04 03 02 01  18 17 16 15 14 13 12 11  00 00 00 00 00 00 00 00
         {COMPOSITE_AND_CONSTITUENT}"
    ));
    assert_eq!(all(&tx.encoded(Version::V1_2)), want);
}

#[test]
fn retrieve_request_has_no_composite() {
    let tx = Transaction {
        handle: Handle(0x0000_0001_0000_0002),
        flags: TransactionFlags::of_type(TransactionType::Lend),
        receivers: &[Receiver::new(0x8001, AccessPerms::RW_NX)],
        constituents: None,
        ..share()
    };
    let want = hex(&format!(
        "00 00 2f 00 10 00 00 00  02 00 00 00 01 00 00 00  {TAG}  10 00 00 00 01 00 00 00
         30 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
         01 80 06 00 00 00 00 00  00 00 00 00 00 00 00 00"
    ));
    assert_eq!(all(&tx.encoded(Version::V1_1)), want);
}

#[test]
fn relinquish_descriptor_layout() {
    let r = Relinquish { handle: Handle(0x0807_0605_0403_0201), flags: RELINQUISH_ZERO_MEMORY, endpoints: &[0x8001] };
    assert_eq!(all(&r), hex("01 02 03 04 05 06 07 08  01 00 00 00 01 00 00 00  01 80"));
}

#[test]
fn attribute_and_flag_encodings() {
    assert_eq!(MemAttributes::NORMAL_WB_INNER.0, 0x2f);
    assert_eq!(MemAttributes::normal(Cacheability::NonCacheable, Shareability::NonShareable).0, 0x24);
    assert_eq!(MemAttributes::device(1).0, 0x14);
    assert_eq!(MemAttributes::NORMAL_WB_INNER.with_ns().0, 0x6f);
    assert_eq!(MemAttributes::reserved_for(Version::V1_0), 0xffc0);
    assert_eq!(MemAttributes::reserved_for(Version::V1_2), 0xff80);
    assert_eq!(AccessPerms::RW_NX.0, 0x06);
    assert_eq!(TransactionFlags::of_type(TransactionType::Share).0, 0x08);
    assert_eq!(TransactionFlags::of_type(TransactionType::Donate).0, 0x18);
    assert_eq!(TransactionFlags::alignment_hint(3), 0x260);
    let h = Handle::from_words(0x2, 0x8000_0001);
    assert_eq!((h.0, h.low(), h.high(), h.spmc_allocated()), (0x8000_0001_0000_0002, 2, 0x8000_0001, false));
}

#[test]
fn every_version_round_trips_with_many_receivers_and_constituents() {
    let receivers: Vec<Receiver> = (0..3).map(|i| Receiver::new(0x8001 + i, AccessPerms::RW)).collect();
    let constituents: Vec<Constituent> =
        (0..300).map(|i| Constituent::new(0x4000_0000 + 0x2000 * i, 1 + i as u32 % 3)).collect();
    let tx = Transaction { receivers: &receivers, constituents: Some(&constituents), ..share() };
    for version in [Version::V1_0, Version::V1_1, Version::V1_2] {
        let e = tx.encoded(version);
        let bytes = all(&e);
        assert!(bytes.len() > 4096, "larger than one TX page");
        // Written in odd-sized windows, the bytes are the same.
        let mut pieces = vec![0u8; bytes.len()];
        for start in (0..bytes.len()).step_by(1000) {
            let end = (start + 1000).min(bytes.len());
            e.write(start, &mut pieces[start..end]);
        }
        assert_eq!(pieces, bytes, "{version:?}");
        let d = Decoded::parse(version, &bytes).unwrap();
        assert_eq!((d.sender, d.attributes, d.tag, d.receiver_count), (0, MemAttributes(0x2f), tx.tag, 3));
        assert_eq!(d.receiver(2).unwrap(), receivers[2]);
        assert_eq!(d.receiver_by_id(0x8002), Some(receivers[1]));
        let c = d.composite(1).unwrap();
        assert_eq!((c.total_pages, c.range_count), (tx.total_pages(), 300));
        assert_eq!(c.constituent(299).unwrap(), constituents[299]);
        // The other version's reader refuses it.
        let other = if version == Version::V1_0 { Version::V1_1 } else { Version::V1_0 };
        assert!(Decoded::parse(other, &bytes).and_then(|d| d.composite(0)).is_err(), "{version:?} read as {other:?}");
    }
}

#[test]
fn decoder_refuses_what_the_layout_does_not_allow() {
    let e = share();
    let good = all(&e.encoded(Version::V1_1));
    let patched = |at: usize, bytes: &[u8]| all(&Patched { inner: e.encoded(Version::V1_1), at, bytes });
    let parse = |b: &[u8]| Decoded::parse(Version::V1_1, b).and_then(|d| d.composite(0).map(|_| ()));
    assert_eq!(parse(&good), Ok(()));
    assert_eq!(parse(&good[..40]), Err(DescError::Short { need: 48, have: 40 }));
    assert_eq!(parse(&good[..90]), Err(DescError::Short { need: 96, have: 90 }));
    assert_eq!(parse(&patched(40, &[1])), Err(DescError::Reserved { offset: 40 }));
    assert_eq!(parse(&patched(3, &[0x01])), Err(DescError::Reserved { offset: 2 }));
    assert_eq!(parse(&patched(24, &[0x20])), Err(DescError::AccessSize(32)));
    assert_eq!(parse(&patched(32, &[0x28])), Err(DescError::AccessOffset(0x28)));
    assert_eq!(parse(&patched(32, &[0x20])), Err(DescError::AccessOffset(0x20)));
    assert_eq!(parse(&patched(28, &[0])), Err(DescError::NoReceiver));
    assert_eq!(parse(&patched(56, &[1])), Err(DescError::Reserved { offset: 56 }));
    assert_eq!(parse(&patched(52, &[0x30])), Err(DescError::CompositeOffset(0x30)));
    assert_eq!(parse(&patched(52, &[0x44])), Err(DescError::CompositeOffset(0x44)));
    assert_eq!(parse(&patched(72, &[1])), Err(DescError::Reserved { offset: 72 }));
    assert_eq!(parse(&patched(64, &[3])), Err(DescError::PageCount(3, 2)));
    assert_eq!(parse(&patched(68, &[2])), Err(DescError::Short { need: 112, have: 96 }));
    assert_eq!(parse(&patched(92, &[1])), Err(DescError::Reserved { offset: 92 }));
    let v10 = all(&e.encoded(Version::V1_0));
    let parse10 = |b: &[u8]| Decoded::parse(Version::V1_0, b).map(|_| ());
    assert_eq!(parse10(&v10), Ok(()));
    let mut bad = v10.clone();
    bad[3] = 1;
    assert_eq!(parse10(&bad), Err(DescError::Reserved { offset: 3 }));
    let mut bad = v10.clone();
    bad[24] = 1;
    assert_eq!(parse10(&bad), Err(DescError::Reserved { offset: 24 }));
    let mut bad = v10;
    bad[2] = 0x6f;
    assert_eq!(parse10(&bad), Err(DescError::Reserved { offset: 2 }), "no NS bit in v1.0's attributes");
}
