//! The event stream: one line per event, written by the images and parsed by the runner (the
//! only parser), so both sides share this one definition. A line (schema 2) is
//! `ffa-cts: <kind> key=value key=value ...`; the prefix may follow other text on the same
//! line (firmware logs interleave on a shared console). Every value is escaped so that it
//! holds no space and no `=`: a space is written `+`, and `%`, `+`, `=`, control characters
//! and every byte of a non-ASCII character as `%XX` (upper-case hex of the UTF-8 bytes), so
//! sections, paths and messages survive whole. Writing needs no allocation.

use crate::ffa::{FuncId, Version};
use crate::outcome::{Counts, Outcome};
use crate::platform::LongestCall;
use core::fmt::{self, Write};

/// The line prefix of every event.
pub const PREFIX: &str = "ffa-cts: ";
/// The version of the event vocabulary; the runner refuses others.
pub const SCHEMA: u32 = 2;

/// A text value of an event: plain text on the writing side, the escaped form as found in a
/// line on the parsing side. Both compare and display as the text they stand for.
#[derive(Clone, Copy)]
pub struct Text<'a> {
    raw: &'a str,
    /// `raw` is the escaped form, as read from a line.
    from_line: bool,
}

impl<'a> Text<'a> {
    /// Plain text, to be written.
    pub const fn new(text: &'a str) -> Self {
        Self { raw: text, from_line: false }
    }

    /// The escaped form of a value as it appears in a line; `None` when it holds a byte no
    /// writer puts there (a space, `=`, a control character, non-ASCII).
    fn parse(raw: &'a str) -> Option<Self> {
        raw.bytes().all(|b| b.is_ascii_graphic() && b != b'=').then_some(Self { raw, from_line: true })
    }

    /// True for the empty text.
    pub const fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The characters of the text. Escapes that do not decode (a line cut inside one) stand
    /// for themselves; bytes that are no UTF-8 come out as U+FFFD.
    pub fn chars(&self) -> Chars<'a> {
        Chars { bytes: self.bytes() }
    }

    /// The UTF-8 bytes of the text.
    fn bytes(&self) -> Bytes<'a> {
        Bytes { raw: self.raw.as_bytes(), escaped: self.from_line }
    }

    /// The text in its escaped form, for a line.
    pub const fn escaped(&self) -> Escaped<'_> {
        Escaped(self)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Self {
        Self::new(text)
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.chars().eq(other.chars())
    }
}

impl Eq for Text<'_> {}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.from_line {
            return f.write_str(self.raw);
        }
        self.chars().try_for_each(|c| f.write_char(c))
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        self.chars().try_for_each(|c| c.escape_debug().try_for_each(|e| f.write_char(e)))?;
        f.write_char('"')
    }
}

/// The decoded bytes of a text.
#[derive(Clone)]
struct Bytes<'a> {
    raw: &'a [u8],
    escaped: bool,
}

impl Iterator for Bytes<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.raw.split_first()?;
        self.raw = rest;
        if !self.escaped {
            return Some(first);
        }
        match first {
            b'+' => Some(b' '),
            b'%' => match (rest.first().and_then(|&h| hex_digit(h)), rest.get(1).and_then(|&l| hex_digit(l))) {
                (Some(high), Some(low)) => {
                    self.raw = &rest[2..];
                    Some(high << 4 | low)
                }
                _ => Some(b'%'),
            },
            b => Some(b),
        }
    }
}

const fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The characters of a [`Text`].
#[derive(Clone)]
pub struct Chars<'a> {
    bytes: Bytes<'a>,
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let first = self.bytes.next()?;
        let width = match first {
            0x00..=0x7f => return Some(char::from(first)),
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return Some(char::REPLACEMENT_CHARACTER),
        };
        let mut buf = [first, 0, 0, 0];
        for slot in &mut buf[1..width] {
            // Peek, so that a byte that does not continue the sequence starts the next one.
            let mut ahead = self.bytes.clone();
            match ahead.next() {
                Some(b @ 0x80..=0xbf) => {
                    *slot = b;
                    self.bytes = ahead;
                }
                _ => return Some(char::REPLACEMENT_CHARACTER),
            }
        }
        let text = core::str::from_utf8(&buf[..width]).ok();
        Some(text.and_then(|t| t.chars().next()).unwrap_or(char::REPLACEMENT_CHARACTER))
    }
}

/// A [`Text`] in its escaped form.
pub struct Escaped<'t>(&'t Text<'t>);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut utf8 = [0u8; 4];
        for c in self.0.chars() {
            match c {
                ' ' => f.write_char('+')?,
                '%' | '+' | '=' => write!(f, "%{:02X}", c as u32)?,
                c if c.is_ascii_graphic() => f.write_char(c)?,
                c => c.encode_utf8(&mut utf8).bytes().try_for_each(|b| write!(f, "%{b:02X}"))?,
            }
        }
        Ok(())
    }
}

/// One event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// The image is up: which image, how many cases it has and will run.
    Hello { schema: u32, image: Text<'a>, total: u32, selected: u32 },
    /// The FF-A session: requested and returned FFA_VERSION, the version in force, IDs.
    Session { requested: Version, returned: u32, negotiated: Version, own_id: u16, spmc_id: u16 },
    /// A case that will run in this boot, with its metadata (`abis` comma-separated).
    Plan { id: Text<'a>, section: Text<'a>, abis: Text<'a>, since: Version },
    /// A case begins.
    Start { id: Text<'a>, timeout_ms: u32 },
    /// A case ended: its outcome, its in-image time and how many FF-A calls the image made
    /// while it ran (`calls=`, absent from logs older than it: 0), and the longest of those
    /// calls that returned (`longest_us=`, `longest_fid=`; absent when the image measured none:
    /// `longest` is `None`).
    End {
        id: Text<'a>,
        outcome: Outcome,
        micros: u64,
        calls: u64,
        longest: Option<LongestCall>,
        at: Text<'a>,
        msg: Text<'a>,
    },
    /// Free text from the image worth keeping (setup steps, warnings).
    Note { msg: Text<'a> },
    /// The image asks the runner to write a byte to the secure UART's receiver (QEMU's UART1),
    /// whose receive interrupt makes OP-TEE raise its asynchronous notification.
    SecureUartInput,
    /// The image stopped at its hold point (`hold` on its command line), before it reads its
    /// arguments: the runner saves the machine here and restores it for later boots.
    Held,
    /// The hang monitor saw core `core` inside an FF-A call of function `func` for `ms`
    /// milliseconds, longer than its limit of `limit_ms`, from core `by`: the firmware hung.
    Stuck { core: u32, func: u32, ms: u64, limit_ms: u32, by: u32 },
    /// Every selected case of this boot has ended.
    Done { counts: Counts },
}

impl fmt::Display for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PREFIX)?;
        match self {
            Event::Hello { schema, image, total, selected } => {
                write!(f, "hello schema={schema} image={} total={total} selected={selected}", image.escaped())
            }
            Event::Session { requested, returned, negotiated, own_id, spmc_id } => write!(
                f,
                "session requested={requested} returned={returned:#x} negotiated={negotiated} own_id={own_id:#x} spmc_id={spmc_id:#x}"
            ),
            Event::Plan { id, section, abis, since } => write!(
                f,
                "plan id={} section={} since={since} abis={}",
                id.escaped(),
                section.escaped(),
                abis.escaped()
            ),
            Event::Start { id, timeout_ms } => write!(f, "start id={} timeout_ms={timeout_ms}", id.escaped()),
            Event::End { id, outcome, micros, calls, longest, at, msg } => {
                write!(f, "end id={} outcome={outcome} us={micros} calls={calls}", id.escaped())?;
                if let Some(l) = longest {
                    write!(f, " longest_us={} longest_fid={:#x}", l.micros, l.func.0)?;
                }
                if !at.is_empty() {
                    write!(f, " at={}", at.escaped())?;
                }
                if !msg.is_empty() {
                    write!(f, " msg={}", msg.escaped())?;
                }
                Ok(())
            }
            Event::Note { msg } => write!(f, "note msg={}", msg.escaped()),
            Event::SecureUartInput => f.write_str("secure-uart-input"),
            Event::Held => f.write_str("held"),
            Event::Stuck { core, func, ms, limit_ms, by } => {
                write!(f, "stuck core={core} fid={func:#x} ms={ms} limit_ms={limit_ms} by={by}")
            }
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

/// The `key=value` words after an event's kind. Every word has a `=`; the first word with a
/// key gives its value; keys this runner does not know are ignored.
struct Fields<'a>(&'a str);

impl<'a> Fields<'a> {
    fn new(body: &'a str) -> Option<Self> {
        body.split(' ').all(|word| word.contains('=')).then_some(Self(body))
    }

    fn raw(&self, key: &str) -> Option<&'a str> {
        self.0.split(' ').find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
    }

    fn text(&self, key: &str) -> Option<Text<'a>> {
        Text::parse(self.raw(key)?)
    }

    /// An optional text: empty when absent, `None` when malformed.
    fn optional(&self, key: &str) -> Option<Text<'a>> {
        self.raw(key).map_or(Some(Text::new("")), Text::parse)
    }

    fn num<T: TryFrom<u64>>(&self, key: &str) -> Option<T> {
        number(self.raw(key)?, 10)
    }

    /// `0x`-prefixed hex that fits `T`: wider values are refused, not truncated.
    fn hex<T: TryFrom<u64>>(&self, key: &str) -> Option<T> {
        number(self.raw(key)?.strip_prefix("0x")?, 16)
    }

    /// `MAJOR.MINOR`, digits only.
    fn version(&self, key: &str) -> Option<Version> {
        let (major, minor) = self.raw(key)?.split_once('.')?;
        Some(Version::new(number(major, 10)?, number(minor, 10)?))
    }
}

/// Digits of `radix` only (no sign, no spaces), that fit `T`.
fn number<T: TryFrom<u64>>(text: &str, radix: u32) -> Option<T> {
    if text.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for c in text.chars() {
        value = value.checked_mul(radix.into())?.checked_add(c.to_digit(radix)?.into())?;
    }
    T::try_from(value).ok()
}

impl<'a> Event<'a> {
    /// Parses a console line: the first occurrence of the prefix that starts a well-formed
    /// event. `None` when the line holds none. Never panics.
    pub fn parse(line: &'a str) -> Option<Event<'a>> {
        line.match_indices(PREFIX).find_map(|(at, _)| Self::parse_body(&line[at + PREFIX.len()..]))
    }

    fn parse_body(rest: &'a str) -> Option<Event<'a>> {
        let rest = rest.trim_end_matches(['\r', '\n']);
        let (kind, body) = rest.split_once(' ').unwrap_or((rest, ""));
        let f = if body.is_empty() { Fields("") } else { Fields::new(body)? };
        Some(match kind {
            "hello" => Event::Hello {
                schema: f.num("schema")?,
                image: f.text("image")?,
                total: f.num("total")?,
                selected: f.num("selected")?,
            },
            "session" => Event::Session {
                requested: f.version("requested")?,
                returned: f.hex("returned")?,
                negotiated: f.version("negotiated")?,
                own_id: f.hex("own_id")?,
                spmc_id: f.hex("spmc_id")?,
            },
            "plan" => Event::Plan {
                id: f.text("id")?,
                section: f.text("section")?,
                abis: f.optional("abis")?,
                since: f.version("since")?,
            },
            "start" => Event::Start { id: f.text("id")?, timeout_ms: f.num("timeout_ms")? },
            "end" => Event::End {
                id: f.text("id")?,
                outcome: Outcome::parse(f.raw("outcome")?)?,
                micros: f.num("us")?,
                calls: f.raw("calls").map_or(Some(0), |c| number(c, 10))?,
                longest: match (f.raw("longest_us"), f.raw("longest_fid")) {
                    (None, None) => None,
                    _ => Some(LongestCall { micros: f.num("longest_us")?, func: FuncId(f.hex("longest_fid")?) }),
                },
                at: f.optional("at")?,
                msg: f.optional("msg")?,
            },
            "note" => Event::Note { msg: f.optional("msg")? },
            "secure-uart-input" => Event::SecureUartInput,
            "held" => Event::Held,
            "stuck" => Event::Stuck {
                core: f.num("core")?,
                func: f.hex("fid")?,
                ms: f.num("ms")?,
                limit_ms: f.num("limit_ms")?,
                by: f.num("by")?,
            },
            "done" => {
                let mut counts = Counts::default();
                for o in Outcome::ALL {
                    counts.set(o, f.num(o.as_str())?);
                }
                Event::Done { counts }
            }
            _ => return None,
        })
    }
}

/// A LAVA `monitors` line for a case result:
/// `<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=.. RESULT=.. UNITS=us MEASUREMENT=..>`.
///
/// A LAVA monitor lower-cases the id and turns every run of non-word characters into `_`
/// (lava_dispatcher/actions/test/monitor.py), so `a.b_c` and `a.b.c` would become one id.
/// The id is therefore written in `[a-z0-9_]` only, injectively: an id made of dot-separated
/// words of `[a-z0-9]` joined by single `_` (every registered id) has each `.` written `__`;
/// any other id is written `_` and the hex of its bytes, which no such id can produce.
pub struct LavaLine<'a> {
    /// The case id.
    pub id: Text<'a>,
    /// Its outcome.
    pub outcome: Outcome,
    /// How long it took, in microseconds.
    pub micros: u64,
}

/// True for `word(.word)*` with a word `[a-z0-9]+(_[a-z0-9]+)*`.
fn is_plain_id(id: Text<'_>) -> bool {
    let mut previous = '.';
    for c in id.chars() {
        let ok = match c {
            'a'..='z' | '0'..='9' => true,
            '.' | '_' => previous != '.' && previous != '_',
            _ => false,
        };
        if !ok {
            return false;
        }
        previous = c;
    }
    previous != '.' && previous != '_'
}

impl fmt::Display for LavaLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=")?;
        if is_plain_id(self.id) {
            for c in self.id.chars() {
                if c == '.' {
                    f.write_str("__")?;
                } else {
                    f.write_char(c)?;
                }
            }
        } else {
            f.write_char('_')?;
            for b in self.id.bytes() {
                write!(f, "{b:02x}")?;
            }
        }
        write!(f, " RESULT={} UNITS=us MEASUREMENT={}>", self.outcome.lava(), self.micros)
    }
}

#[cfg(test)]
mod tests;
