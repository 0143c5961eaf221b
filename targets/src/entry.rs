//! The first instructions of an image: zero .bss, set the stack, call the image's Rust main
//! with x0 and x4 as the firmware left them (an SPMC passes the boot information in x0; TF-A's
//! EL3 SPMC the linear core ID in x4). The MMU is off, so nothing before this may use memory
//! that .bss covers.

core::arch::global_asm!(
    ".section .text.boot, \"ax\"",
    ".global _start",
    "_start:",
    "mov x19, x0",
    "mov x20, x4",
    "adrp x1, __bss_start",
    "add x1, x1, :lo12:__bss_start",
    "adrp x2, __bss_end",
    "add x2, x2, :lo12:__bss_end",
    "1: cmp x1, x2",
    "b.hs 2f",
    "stp xzr, xzr, [x1], #16",
    "b 1b",
    "2: adrp x1, __stack_top",
    "add x1, x1, :lo12:__stack_top",
    "mov sp, x1",
    "mov x0, x19",
    "mov x1, x20",
    "bl image_main",
    "b .",
);
