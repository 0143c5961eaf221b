//! A fixed-capacity text buffer: formatted messages without an allocator. Text past the
//! capacity is cut at a character boundary and marked with "..".

use core::fmt;

/// Up to `N` bytes of UTF-8 text.
#[derive(Clone, Copy)]
pub struct FixedText<const N: usize> {
    buf: [u8; N],
    len: usize,
    cut: bool,
}

impl<const N: usize> FixedText<N> {
    /// Empty text.
    pub const fn new() -> Self {
        Self { buf: [0; N], len: 0, cut: false }
    }

    /// Text from formatting arguments.
    pub fn format(args: fmt::Arguments<'_>) -> Self {
        let mut t = Self::new();
        let _ = fmt::write(&mut t, args);
        t
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        // Only whole UTF-8 sequences are ever copied in (see write_str).
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    /// True when text was cut to fit.
    pub const fn was_cut(&self) -> bool {
        self.cut
    }
}

impl<const N: usize> Default for FixedText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for FixedText<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.cut {
            return Ok(());
        }
        let room = N - self.len;
        if s.len() <= room {
            self.buf[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len();
            return Ok(());
        }
        let mut take = room.saturating_sub(2);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.buf[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        let dots = (N - self.len).min(2);
        self.buf[self.len..self.len + dots].copy_from_slice(&b".."[..dots]);
        self.len += dots;
        self.cut = true;
        Ok(())
    }
}

impl<const N: usize> fmt::Display for FixedText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> fmt::Debug for FixedText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_char_boundary() {
        // 8 bytes: "abcd" + "é" (2 bytes) would leave no room for "..", so "é" is dropped.
        let t = FixedText::<7>::format(format_args!("{}", "abcdéfghij"));
        assert_eq!(t.as_str(), "abcd..");
        assert!(t.was_cut());
        let t = FixedText::<8>::format(format_args!("x={}", 5));
        assert_eq!(t.as_str(), "x=5");
    }
}
