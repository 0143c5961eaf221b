//! The console the event stream goes to: Arm semihosting where a model or debugger provides
//! it (QEMU, FVP), a PL011 UART otherwise (boards in a farm).

use core::ffi::CStr;

/// Where lines go.
#[derive(Clone, Copy, Debug)]
pub enum Console {
    /// Semihosting SYS_WRITE0 (one trap per line).
    Semihosting,
    /// A PL011 UART at this base address, already set up by the firmware.
    Pl011(usize),
}

impl Console {
    /// Writes one line and a newline.
    pub fn line(&self, text: &str) {
        match *self {
            Console::Semihosting => {
                let mut buf = [0u8; 640];
                let n = text.len().min(buf.len() - 2);
                buf[..n].copy_from_slice(&text.as_bytes()[..n]);
                // A NUL inside the text would end the string early: show it as '?'.
                for b in &mut buf[..n] {
                    if *b == 0 {
                        *b = b'?';
                    }
                }
                buf[n] = b'\n';
                if let Ok(s) = CStr::from_bytes_with_nul(&buf[..n + 2]) {
                    semihosting::sys::arm_compat::sys_write0(s);
                }
            }
            Console::Pl011(base) => {
                for b in text.bytes().chain(*b"\r\n") {
                    pl011_put(base, b);
                }
            }
        }
    }
}

fn pl011_put(base: usize, byte: u8) {
    const DR: usize = 0x00;
    const FR: usize = 0x18;
    const FR_TXFF: u32 = 1 << 5;
    // SAFETY: `base` is the platform's PL011, which both images map as Device memory, and only
    // this console writes to it; FR and DR are 32-bit registers.
    unsafe {
        while core::ptr::read_volatile((base + FR) as *const u32) & FR_TXFF != 0 {}
        core::ptr::write_volatile((base + DR) as *mut u32, u32::from(byte));
    }
}
