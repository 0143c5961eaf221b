//! Host tests of the event format: fixed examples, round trips of generated events over
//! arbitrary text, and a fuzz of the parser over random and adversarial lines.

use super::*;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Text that leans on what the format must escape: spaces, `%`, `+`, `=`, control
    /// characters, the prefix itself, non-ASCII, plus plain letters.
    fn text(&mut self) -> String {
        const PIECES: [&str; 12] = [" ", "%", "+", "=", "\n", "\r", "\t", "\u{7f}", "é", "🦀", "ffa-cts: ", "%2"];
        let len = self.below(24);
        (0..len)
            .map(|_| match self.below(4) {
                0 => PIECES[self.below(PIECES.len() as u64) as usize].to_owned(),
                1 => char::from_u32(self.below(0x11_0000) as u32).unwrap_or('x').to_string(),
                _ => char::from(b'a' + self.below(26) as u8).to_string(),
            })
            .collect()
    }

    fn version(&mut self) -> Version {
        Version::new(self.below(u16::MAX as u64 + 1) as u16, self.below(u16::MAX as u64 + 1) as u16)
    }
}

fn t(text: &str) -> Text<'_> {
    Text::new(text)
}

fn round_trip(e: Event<'_>) {
    let line = e.to_string();
    assert!(!line.contains(['\n', '\r']), "{line}");
    assert_eq!(Event::parse(&line), Some(e), "{line}");
    // Interleaved firmware output before the prefix is tolerated.
    let noisy = format!("NOTICE:  BL31: xyz{line}\r\n");
    assert_eq!(Event::parse(&noisy), Some(e), "{noisy}");
}

#[test]
fn every_event_round_trips() {
    round_trip(Event::Hello { schema: SCHEMA, image: t("ns"), total: 70, selected: 12 });
    round_trip(Event::Session {
        requested: Version::V1_1,
        returned: 0x10002,
        negotiated: Version::V1_1,
        own_id: 0,
        spmc_id: 0x8000,
    });
    round_trip(Event::Plan {
        id: t("setup.version.bit31"),
        section: t("v1.2 14.9 FFA_PARTITION_INFO_GET_REGS"),
        abis: t("FFA_VERSION,FFA_ID_GET"),
        since: Version::V1_0,
    });
    round_trip(Event::Plan { id: t("a"), section: t("1"), abis: t(""), since: Version::V1_1 });
    round_trip(Event::Start { id: t("setup.version.bit31"), timeout_ms: 2000 });
    round_trip(Event::End {
        id: t("x.y"),
        outcome: Outcome::Pass,
        micros: 42,
        calls: 7,
        longest: None,
        at: t(""),
        msg: t(""),
    });
    round_trip(Event::End {
        id: t("x.y"),
        outcome: Outcome::Fail,
        micros: 7,
        calls: 0,
        longest: Some(LongestCall { micros: 1234, func: FuncId::MSG_SEND2 }),
        at: t("cases/src/my dir/a.rs:12"),
        msg: t("w2: got 0x1, want 0x2 msg=odd at=x 100%"),
    });
    round_trip(Event::Note { msg: t("RXTX mapped\nsecond line") });
    round_trip(Event::SecureUartInput);
    round_trip(Event::Held);
    round_trip(Event::Stuck { core: 0, func: 0x8400_0071, ms: 312, limit_ms: 300, by: 1 });
    let mut counts = Counts::default();
    counts.add(Outcome::Pass);
    counts.add(Outcome::Crash);
    counts.set(Outcome::Skip, u32::MAX);
    round_trip(Event::Done { counts });
}

#[test]
fn the_stuck_event_and_the_longest_call_have_one_wire_form() {
    let stuck = Event::Stuck { core: 0, func: 0x8400_0071, ms: 312, limit_ms: 300, by: 1 };
    assert_eq!(stuck.to_string(), "ffa-cts: stuck core=0 fid=0x84000071 ms=312 limit_ms=300 by=1");
    let line = "ffa-cts: end id=a outcome=pass us=9 calls=2 longest_us=40 longest_fid=0x84000063";
    let Some(Event::End { longest, .. }) = Event::parse(line) else { panic!("{line}") };
    assert_eq!(longest, Some(LongestCall { micros: 40, func: FuncId(0x8400_0063) }));
    // Half a pair is malformed, not a call of function 0.
    assert_eq!(Event::parse("ffa-cts: end id=a outcome=pass us=9 longest_us=40"), None);
}

#[test]
fn the_wire_form_is_one_line_of_escaped_words() {
    let plan = Event::Plan { id: t("a.b"), section: t("13.2 FFA_VERSION"), abis: t(""), since: Version::V1_0 };
    assert_eq!(plan.to_string(), "ffa-cts: plan id=a.b section=13.2+FFA_VERSION since=1.0 abis=");
    let note = Event::Note { msg: t("a\nb 50% +1 = é") };
    assert_eq!(note.to_string(), "ffa-cts: note msg=a%0Ab+50%25+%2B1+%3D+%C3%A9");
    let parsed = Event::parse("ffa-cts: note msg=a%0Ab+50%25+%2B1+%3D+%C3%A9").unwrap();
    let Event::Note { msg } = parsed else { panic!("{parsed:?}") };
    assert_eq!(msg.to_string(), "a\nb 50% +1 = é");
    assert_eq!(format!("{msg:?}"), "\"a\\nb 50% +1 = é\"");
}

#[test]
fn generated_events_round_trip() {
    let mut rng = Rng(0x5eed_0001);
    let outcomes = Outcome::ALL;
    for _ in 0..3000 {
        let (a, b, c) = (rng.text(), rng.text(), rng.text());
        let event = match rng.below(8) {
            0 => Event::Hello { schema: rng.next() as u32, image: t(&a), total: rng.next() as u32, selected: 3 },
            1 => Event::Session {
                requested: rng.version(),
                returned: rng.next() as u32,
                negotiated: rng.version(),
                own_id: rng.next() as u16,
                spmc_id: rng.next() as u16,
            },
            2 => Event::Plan { id: t(&a), section: t(&b), abis: t(&c), since: rng.version() },
            3 => Event::Start { id: t(&a), timeout_ms: rng.next() as u32 },
            4 => Event::End {
                id: t(&a),
                outcome: outcomes[rng.below(outcomes.len() as u64) as usize],
                micros: rng.next(),
                calls: rng.next(),
                longest: (rng.below(2) == 0)
                    .then(|| LongestCall { micros: rng.next(), func: FuncId(rng.next() as u32) }),
                at: t(&b),
                msg: t(&c),
            },
            5 => Event::Note { msg: t(&a) },
            6 => Event::Stuck {
                core: rng.next() as u32,
                func: rng.next() as u32,
                ms: rng.next(),
                limit_ms: rng.next() as u32,
                by: rng.next() as u32,
            },
            _ => Event::Done { counts: Counts(core::array::from_fn(|_| rng.next() as u32)) },
        };
        round_trip(event);
        // Text compares by what it stands for: the parsed value equals the original.
        if let Some(Event::Plan { section, .. }) = Event::parse(&event.to_string()) {
            assert_eq!(section.to_string(), b);
        }
    }
}

#[test]
fn every_prefix_occurrence_is_tried() {
    let e = Event::parse("xxffa-cts: ffa-cts: end id=a outcome=pass us=1").unwrap();
    assert_eq!(
        e,
        Event::End { id: t("a"), outcome: Outcome::Pass, micros: 1, calls: 0, longest: None, at: t(""), msg: t("") }
    );
    assert_eq!(
        Event::parse("ffa-cts: wat ffa-cts: start id=b timeout_ms=5"),
        Some(Event::Start { id: t("b"), timeout_ms: 5 })
    );
}

#[test]
fn numbers_are_strict() {
    let session = |own: &str| {
        format!("ffa-cts: session requested=1.1 returned=0x10002 negotiated=1.1 own_id={own} spmc_id=0x8000")
    };
    assert!(Event::parse(&session("0xffff")).is_some());
    assert_eq!(Event::parse(&session("0x12345")), None, "wider than u16 is refused, not truncated");
    assert_eq!(Event::parse(&session("0x")), None);
    assert_eq!(Event::parse(&session("0x+1")), None);
    assert_eq!(Event::parse(&session("0x10000000000000000")), None, "past u64");
    assert!(Event::parse(&session("0x000001")).is_some(), "leading zeros are no width");
    assert_eq!(Event::parse("ffa-cts: start id=a timeout_ms=+5"), None);
    assert_eq!(Event::parse("ffa-cts: start id=a timeout_ms=4294967296"), None);
    assert_eq!(Event::parse("ffa-cts: plan id=a section=1 since=+1.1 abis="), None);
    let huge = "ffa-cts: done pass=4294967295 fail=4294967295 not-supported=0 skip=0 timeout=0 crash=0 not-run=0";
    let Some(Event::Done { counts }) = Event::parse(huge) else { panic!() };
    assert_eq!(counts.get(Outcome::Fail), u32::MAX);
    assert_eq!(Event::parse("ffa-cts: done pass=1"), None, "every count is required");
}

#[test]
fn rejects_what_is_not_an_event() {
    assert_eq!(Event::parse("NOTICE:  Booting Trusted Firmware"), None);
    assert_eq!(Event::parse("ffa-cts: end id=x outcome=bogus us=1"), None);
    assert_eq!(Event::parse("ffa-cts: start id=x"), None);
    assert_eq!(Event::parse("ffa-cts: wat"), None);
    assert_eq!(Event::parse("ffa-cts: start id=x timeout_ms=1 trailing"), None, "a word without =");
    assert_eq!(Event::parse("ffa-cts: start id=a=b timeout_ms=1"), None);
    assert_eq!(Event::parse("ffa-cts: start id=é timeout_ms=1"), None, "raw non-ASCII is never written");
}

#[test]
fn a_cut_escape_decodes_to_itself() {
    let Some(Event::Note { msg }) = Event::parse("ffa-cts: note msg=abc%2..") else { panic!() };
    assert_eq!(msg.to_string(), "abc%2..");
    let Some(Event::Note { msg }) = Event::parse("ffa-cts: note msg=ab%C3..") else { panic!() };
    assert_eq!(msg.to_string(), "ab\u{fffd}..");
    let Some(Event::Note { msg }) = Event::parse("ffa-cts: note msg=%FF%F0%9F%A6") else { panic!() };
    assert_eq!(msg.to_string(), "\u{fffd}\u{fffd}");
}

#[test]
fn parse_never_panics() {
    let mut rng = Rng(0xf022_0002);
    let seeds = [
        "ffa-cts: hello schema=2 image=ns total=3 selected=3",
        "ffa-cts: session requested=1.1 returned=0x10002 negotiated=1.1 own_id=0x0 spmc_id=0x8000",
        "ffa-cts: plan id=a.b section=13.2+FFA_VERSION since=1.0 abis=FFA_VERSION",
        "ffa-cts: end id=a outcome=fail us=3 at=a.rs:1 msg=x%C3%A9",
        "ffa-cts: done pass=1 fail=0 not-supported=0 skip=0 timeout=0 crash=0 not-run=0",
    ];
    for _ in 0..200_000 {
        let line: String = match rng.below(3) {
            // Random bytes, as the runner's lossy UTF-8 decoding would give them.
            0 => {
                let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            // A real event with bytes flipped, cut, or repeated prefixes.
            1 => {
                let mut bytes = seeds[rng.below(seeds.len() as u64) as usize].as_bytes().to_vec();
                for _ in 0..rng.below(4) {
                    let i = rng.below(bytes.len() as u64) as usize;
                    bytes[i] = b" =%+.x0\xc3\xff"[rng.below(9) as usize];
                }
                bytes.truncate(rng.below(bytes.len() as u64 + 1) as usize);
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => format!("{}{}{}", "ffa-cts: ".repeat(rng.below(3) as usize), rng.text(), rng.text()),
        };
        if let Some(event) = Event::parse(&line) {
            // Whatever parses can be written again, and reads back the same.
            let again = event.to_string();
            assert_eq!(Event::parse(&again), Some(event), "{line:?} -> {again}");
        }
    }
}

#[test]
fn lava_ids_are_word_characters_and_injective() {
    let lava = |id: &str, outcome| LavaLine { id: t(id), outcome, micros: 41 }.to_string();
    assert_eq!(
        lava("setup.rxtx_map.twice", Outcome::NotSupported),
        "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=setup__rxtx_map__twice RESULT=skip UNITS=us MEASUREMENT=41>"
    );
    assert_eq!(
        lava("a.Twice", Outcome::NotRun),
        "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=_612e5477696365 RESULT=unknown UNITS=us MEASUREMENT=41>"
    );
    let ids = ["a.b_c", "a.b.c", "a_b.c", "a__b", "a..b", "a_.b", "a._b", "a___b", "_a", "a_", ".a", "", "A", "a"];
    let mut seen = std::collections::BTreeSet::new();
    for id in ids {
        let line = lava(id, Outcome::Pass);
        let mapped = line.split(' ').nth(1).unwrap().strip_prefix("TEST_CASE_ID=").unwrap().to_owned();
        assert!(mapped.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{mapped}");
        assert!(seen.insert(mapped.clone()), "{id} collides as {mapped}");
    }
}
