//! The event stream: one line per event, written by the images and parsed by the runner (the
//! only parser), so both sides share this one definition. A line is
//! `ffa-cts: <kind> key=value ... [msg=<free text to the end of the line>]`; the prefix may
//! follow other text on the same line (firmware logs interleave on a shared console).

use crate::ffa::Version;
use crate::outcome::{Counts, Outcome};
use core::fmt;

/// The line prefix of every event.
pub const PREFIX: &str = "ffa-cts: ";
/// The version of the event vocabulary; the runner refuses others.
pub const SCHEMA: u32 = 1;

/// One event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// The image is up: which image, how many cases it has and will run.
    Hello { schema: u32, image: &'a str, total: u32, selected: u32 },
    /// The FF-A session: requested and returned FFA_VERSION, the version in force, IDs.
    Session { requested: Version, returned: u32, negotiated: Version, own_id: u16, spmc_id: u16 },
    /// A case that will run in this boot, with its metadata.
    Plan { id: &'a str, section: &'a str, abis: &'a str, since: Version },
    /// A case begins.
    Start { id: &'a str, timeout_ms: u32 },
    /// A case ended.
    End { id: &'a str, outcome: Outcome, micros: u64, at: &'a str, msg: &'a str },
    /// Free text from the image worth keeping (setup steps, warnings).
    Note { msg: &'a str },
    /// Every selected case of this boot has ended.
    Done { counts: Counts },
}

struct Words<'a>(&'a str);

impl fmt::Display for Words<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages stay on one line.
        for part in self.0.split(['\n', '\r']) {
            f.write_str(part)?;
        }
        Ok(())
    }
}

impl fmt::Display for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PREFIX)?;
        match *self {
            Event::Hello { schema, image, total, selected } => {
                write!(f, "hello schema={schema} image={image} total={total} selected={selected}")
            }
            Event::Session { requested, returned, negotiated, own_id, spmc_id } => write!(
                f,
                "session requested={requested} returned={returned:#x} negotiated={negotiated} own_id={own_id:#x} spmc_id={spmc_id:#x}"
            ),
            Event::Plan { id, section, abis, since } => {
                write!(f, "plan id={id} section={section} since={since} abis={}", if abis.is_empty() { "-" } else { abis })
            }
            Event::Start { id, timeout_ms } => write!(f, "start id={id} timeout_ms={timeout_ms}"),
            Event::End { id, outcome, micros, at, msg } => {
                write!(f, "end id={id} outcome={outcome} us={micros}")?;
                if !at.is_empty() {
                    write!(f, " at={at}")?;
                }
                if !msg.is_empty() {
                    write!(f, " msg={}", Words(msg))?;
                }
                Ok(())
            }
            Event::Note { msg } => write!(f, "note msg={}", Words(msg)),
            Event::Done { counts } => {
                f.write_str("done")?;
                for o in Outcome::ALL {
                    write!(f, " {}={}", o.as_str(), counts.get(o))?;
                }
                Ok(())
            }
        }
    }
}

/// The `key=value` fields of an event line, and the free text after `msg=`.
struct Fields<'a> {
    head: &'a str,
    msg: &'a str,
}

impl<'a> Fields<'a> {
    fn split(body: &'a str) -> Self {
        match body.find(" msg=") {
            Some(i) => Self { head: &body[..i], msg: &body[i + 5..] },
            None => match body.strip_prefix("msg=") {
                Some(m) => Self { head: "", msg: m },
                None => Self { head: body, msg: "" },
            },
        }
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.head.split(' ').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
    }

    fn num<T: core::str::FromStr>(&self, key: &str) -> Option<T> {
        self.get(key)?.parse().ok()
    }

    fn hex(&self, key: &str) -> Option<u32> {
        u32::from_str_radix(self.get(key)?.strip_prefix("0x")?, 16).ok()
    }
}

impl<'a> Event<'a> {
    /// Parses a console line. `None` when the line holds no event or a malformed one.
    pub fn parse(line: &'a str) -> Option<Event<'a>> {
        let at = line.find(PREFIX)?;
        let rest = line[at + PREFIX.len()..].trim_end_matches(['\r', '\n']);
        let (kind, body) = rest.split_once(' ').unwrap_or((rest, ""));
        let f = Fields::split(body);
        Some(match kind {
            "hello" => Event::Hello {
                schema: f.num("schema")?,
                image: f.get("image")?,
                total: f.num("total")?,
                selected: f.num("selected")?,
            },
            "session" => Event::Session {
                requested: Version::parse(f.get("requested")?)?,
                returned: f.hex("returned")?,
                negotiated: Version::parse(f.get("negotiated")?)?,
                own_id: f.hex("own_id")? as u16,
                spmc_id: f.hex("spmc_id")? as u16,
            },
            "plan" => Event::Plan {
                id: f.get("id")?,
                section: f.get("section")?,
                abis: f.get("abis").filter(|a| *a != "-").unwrap_or(""),
                since: Version::parse(f.get("since")?)?,
            },
            "start" => Event::Start { id: f.get("id")?, timeout_ms: f.num("timeout_ms")? },
            "end" => Event::End {
                id: f.get("id")?,
                outcome: Outcome::parse(f.get("outcome")?)?,
                micros: f.num("us")?,
                at: f.get("at").unwrap_or(""),
                msg: f.msg,
            },
            "note" => Event::Note { msg: f.msg },
            "done" => {
                let mut counts = Counts::default();
                for o in Outcome::ALL {
                    for _ in 0..f.num::<u32>(o.as_str())? {
                        counts.add(o);
                    }
                }
                Event::Done { counts }
            }
            _ => return None,
        })
    }
}

/// A LAVA `monitors` line for a case result: `<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=.. RESULT=..>`,
/// with the id lower-cased and every character outside `[a-z0-9]` turned into `_`.
pub struct LavaLine<'a> {
    /// The case id.
    pub id: &'a str,
    /// Its outcome.
    pub outcome: Outcome,
}

impl fmt::Display for LavaLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=")?;
        for c in self.id.chars() {
            let c = c.to_ascii_lowercase();
            write!(f, "{}", if c.is_ascii_alphanumeric() { c } else { '_' })?;
        }
        write!(f, " RESULT={}>", self.outcome.lava())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(e: Event<'_>) {
        let line = e.to_string();
        assert_eq!(Event::parse(&line), Some(e), "{line}");
        // Interleaved firmware output before the prefix is tolerated.
        let noisy = format!("NOTICE:  BL31: xyz{line}\r\n");
        assert_eq!(Event::parse(&noisy), Some(e), "{noisy}");
    }

    #[test]
    fn every_event_round_trips() {
        round_trip(Event::Hello { schema: 1, image: "ns", total: 70, selected: 12 });
        round_trip(Event::Session {
            requested: Version::V1_1,
            returned: 0x10002,
            negotiated: Version::V1_1,
            own_id: 0,
            spmc_id: 0x8000,
        });
        round_trip(Event::Plan {
            id: "setup.version.bit31",
            section: "13.2",
            abis: "FFA_VERSION,FFA_ID_GET",
            since: Version::V1_0,
        });
        round_trip(Event::Plan { id: "a", section: "1", abis: "", since: Version::V1_1 });
        round_trip(Event::Start { id: "setup.version.bit31", timeout_ms: 2000 });
        round_trip(Event::End { id: "x.y", outcome: Outcome::Pass, micros: 42, at: "", msg: "" });
        round_trip(Event::End {
            id: "x.y",
            outcome: Outcome::Fail,
            micros: 7,
            at: "cases/src/a.rs:12",
            msg: "w2: got 0x1, want 0x2 msg=odd",
        });
        round_trip(Event::Note { msg: "RXTX mapped" });
        let mut counts = Counts::default();
        counts.add(Outcome::Pass);
        counts.add(Outcome::Crash);
        round_trip(Event::Done { counts });
    }

    #[test]
    fn messages_stay_on_one_line() {
        let line = Event::Note { msg: "a\nb" }.to_string();
        assert_eq!(line, "ffa-cts: note msg=ab");
    }

    #[test]
    fn rejects_what_is_not_an_event() {
        assert_eq!(Event::parse("NOTICE:  Booting Trusted Firmware"), None);
        assert_eq!(Event::parse("ffa-cts: end id=x outcome=bogus us=1"), None);
        assert_eq!(Event::parse("ffa-cts: start id=x"), None);
        assert_eq!(Event::parse("ffa-cts: wat"), None);
    }

    #[test]
    fn lava_line() {
        let l = LavaLine { id: "setup.rxtx_map.Twice", outcome: Outcome::NotSupported }.to_string();
        assert_eq!(l, "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=setup_rxtx_map_twice RESULT=skip>");
    }
}
