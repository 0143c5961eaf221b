//! QEMU's second serial port (UART1, the secure UART of `virt`, OP-TEE's console) as a Unix
//! socket the runner owns. QEMU connects to it at start; the chardev's `logfile` keeps what the
//! firmware writes in `uart1-N.log`, and the runner drains the socket so QEMU never blocks on
//! it. When the image asks (the `secure-uart-input` event) the runner writes a byte to it: on
//! OP-TEE, a receive interrupt on its console raises its asynchronous notification at once
//! (`console_itr_cb`, plat-vexpress `main.c`), the fast trigger of the notification cases.

use std::io::{self, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

/// The byte written on each request: any byte raises the interrupt.
const INPUT: &[u8] = b"\n";

/// A listening socket for one boot's UART1.
pub struct SecureUart {
    /// Holds the socket; removed with this value.
    dir: tempfile::TempDir,
    /// QEMU's connection, once accepted.
    connection: Arc<Mutex<Option<UnixStream>>>,
}

impl SecureUart {
    /// Listens on a socket in a fresh temporary folder (short and comma-free, as a QEMU option
    /// value and a socket address need) and accepts QEMU's connection in the background.
    pub fn listen() -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("ffa-cts-uart1-").tempdir()?;
        let listener = UnixListener::bind(dir.path().join("uart1.sock"))?;
        let connection = Arc::new(Mutex::new(None));
        let accepted = Arc::clone(&connection);
        thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else { return };
            drop(listener);
            let Ok(mut output) = stream.try_clone() else { return };
            *accepted.lock().unwrap_or_else(PoisonError::into_inner) = Some(stream);
            // What the firmware writes is in the chardev's logfile already.
            let _ = io::copy(&mut output, &mut io::sink());
        });
        Ok(Self { dir, connection })
    }

    /// The socket QEMU connects to.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("uart1.sock")
    }

    /// Writes one byte to the UART's receiver.
    pub fn input(&self) -> Result<(), String> {
        let mut connection = self.connection.lock().unwrap_or_else(PoisonError::into_inner);
        let stream = connection.as_mut().ok_or("QEMU has not connected to the UART1 socket")?;
        stream.write_all(INPUT).map_err(|e| format!("cannot write to the UART1 socket: {e}"))
    }
}

impl Drop for SecureUart {
    fn drop(&mut self) {
        // Wakes the accepting thread if QEMU never connected; refused once it did.
        let _ = UnixStream::connect(self.socket());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_connected_peer_receives_the_input_and_its_output_is_drained() {
        let uart = SecureUart::listen().unwrap();
        assert!(uart.input().is_err(), "nobody connected yet");
        let mut peer = UnixStream::connect(uart.socket()).unwrap();
        peer.write_all(&[b'x'; 100_000]).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while uart.input().is_err() {
            assert!(std::time::Instant::now() < deadline, "the connection was never accepted");
            thread::yield_now();
        }
        let mut byte = [0u8];
        peer.read_exact(&mut byte).unwrap();
        assert_eq!(&byte, INPUT);
    }

    #[test]
    fn dropping_it_unblocks_the_accept() {
        let uart = SecureUart::listen().unwrap();
        let socket = uart.socket();
        drop(uart);
        assert!(!socket.exists());
    }
}
