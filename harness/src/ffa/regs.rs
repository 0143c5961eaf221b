//! The SMCCC v1.2 register file of one FF-A call, x0..x17, as sent and as returned, with the
//! decoding every case needs: which function answered, the error code, 32-bit views.

use super::{FfaError, FuncId};

/// x0..x17 of one call. Inputs beyond those an ABI defines are zero unless a case sets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Regs(pub [u64; 18]);

impl Regs {
    /// A call to `func` with every argument register zero.
    pub const fn call(func: FuncId) -> Self {
        let mut r = [0; 18];
        r[0] = func.0 as u64;
        Self(r)
    }

    /// Sets xN (builder form, for malformed inputs as much as for normal ones).
    pub const fn with(mut self, n: usize, value: u64) -> Self {
        self.0[n] = value;
        self
    }

    /// xN.
    pub const fn x(&self, n: usize) -> u64 {
        self.0[n]
    }

    /// wN: the low 32 bits of xN.
    pub const fn w(&self, n: usize) -> u32 {
        self.0[n] as u32
    }

    /// The function ID in w0.
    pub const fn func(&self) -> FuncId {
        FuncId(self.w(0))
    }

    /// True for FFA_SUCCESS_32 or FFA_SUCCESS_64.
    pub const fn is_success(&self) -> bool {
        self.w(0) == FuncId::SUCCESS_32.0 || self.w(0) == FuncId::SUCCESS_64.0
    }

    /// The error code when w0 is FFA_ERROR.
    pub const fn error(&self) -> Option<FfaError> {
        if self.w(0) == FuncId::ERROR.0 {
            Some(FfaError::from_code(self.w(2) as i32))
        } else {
            None
        }
    }

    /// True when the call was refused as not implemented: FFA_ERROR(NOT_SUPPORTED), or w0 =
    /// 0xFFFFFFFF, which is both SMCCC's "unknown function" and FFA_VERSION's NOT_SUPPORTED.
    pub fn is_not_supported(&self) -> bool {
        self.error() == Some(FfaError::NotSupported) || self.w(0) == u32::MAX
    }

    /// A direct request `func` from `src` to `dst` with w2 = `flags` and x3..x7 = `payload`.
    pub fn direct_req(func: FuncId, src: u16, dst: u16, flags: u32, payload: [u64; 5]) -> Self {
        let mut r = Self::call(func).with(1, (u64::from(src) << 16) | u64::from(dst)).with(2, flags.into());
        r.0[3..8].copy_from_slice(&payload);
        r
    }

    /// A one-line rendering of what came back: the function name, and the error code or
    /// the first argument registers.
    pub fn summary(&self) -> Summary<'_> {
        Summary(self)
    }

    /// Registers x(from)..=x(to) that are not zero, as (index, value) pairs.
    pub fn nonzero(&self, from: usize, to: usize) -> impl Iterator<Item = (usize, u64)> + '_ {
        (from..=to).filter(|&i| self.0[i] != 0).map(|i| (i, self.0[i]))
    }
}

/// Display form of [`Regs::summary`].
pub struct Summary<'a>(&'a Regs);

impl core::fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let r = self.0;
        if let Some(e) = r.error() {
            return write!(f, "FFA_ERROR({e})");
        }
        if r.w(0) == u32::MAX {
            return f.write_str("NOT_SUPPORTED(w0 = 0xffffffff)");
        }
        write!(f, "{}", r.func())?;
        write!(f, "(x1={:#x} x2={:#x} x3={:#x}", r.x(1), r.x(2), r.x(3))?;
        if let Some((i, v)) = r.nonzero(4, 17).next() {
            write!(f, " x{i}={v:#x}..")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_error_and_success() {
        let e = Regs::call(FuncId::ERROR).with(2, (-2i32) as u32 as u64 | 0xffff_ffff_0000_0000);
        assert_eq!(e.error(), Some(FfaError::InvalidParameters));
        assert!(!e.is_success());
        assert_eq!(e.summary().to_string(), "FFA_ERROR(INVALID_PARAMETERS)");
        let s = Regs::call(FuncId::SUCCESS_64).with(2, 0x8000);
        assert!(s.is_success());
        assert_eq!(s.error(), None);
        assert_eq!(s.summary().to_string(), "FFA_SUCCESS_64(x1=0x0 x2=0x8000 x3=0x0)");
        assert_eq!(Regs([u64::MAX; 18]).summary().to_string(), "NOT_SUPPORTED(w0 = 0xffffffff)");
        assert!(Regs([u64::MAX; 18]).is_not_supported());
    }

    #[test]
    fn upper_half_of_w0_is_ignored_by_func() {
        let r = Regs::call(FuncId::SUCCESS_32).with(0, 0xdead_0000_8400_0061);
        assert!(r.is_success());
        assert_eq!(r.w(0), 0x8400_0061);
    }
}
