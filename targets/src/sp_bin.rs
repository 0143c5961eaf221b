//! What an sp instance's bin consists of: one [`sp_image!`](crate::sp_image!) line naming
//! its partition (the host build of the bin gets a `main` that refuses to run).

/// The whole of an sp instance's bin: `sp_image!(ffa_cases::partitions::UP);` gives it the
/// image entry (`image_main`, which `_start` calls with x0 and x4) running that instance, and
/// on the host a `main` that says the image is bare-metal.
#[macro_export]
macro_rules! sp_image {
    ($partition:expr) => {
        #[cfg(target_os = "none")]
        #[no_mangle]
        extern "C" fn image_main(_boot_info: u64, linear_core_id: u64) -> ! {
            static ME: ffa_cases::partitions::Partition = $partition;
            $crate::sp_image::run(&ME, linear_core_id)
        }

        #[cfg(not(target_os = "none"))]
        fn main() {
            eprintln!(
                "this sp is a bare-metal image: build it with `make image` (--target aarch64-unknown-none-softfloat)"
            );
            std::process::exit(2);
        }
    };
}
