/*
 * The image the Hafnium stacks' build packs under each partition's manifest (../partitions/)
 * so that TF-A's FIP has the partition's entry: scripts/pack-firmware.sh replaces it with the
 * suite's own sp (built as that partition with the `hafnium` feature) before any boot. Were it booted, it would
 * serve as a stand-in: it ends its initialisation with
 * FFA_MSG_WAIT and answers every direct request (32- or 64-bit) with the matching direct
 * response carrying x2..x7 back unchanged (so a framework message, flagged in x2, is answered
 * with a framework message of the same type, which Hafnium requires of a response to one);
 * anything else it is given, it waits again.
 * No stack, no MMU, no FP/SIMD: registers and `smc #0` (trapped by Hafnium at S-EL2) only.
 */
	.section .text.entry, "ax"
	.global _start
_start:
wait:
	mov	w0, #0x006b
	movk	w0, #0x8400, lsl #16	/* FFA_MSG_WAIT */
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	smc	#0
dispatch:
	/* DIRECT_REQ_32 0x8400006f and DIRECT_REQ_64 0xc400006f differ in bit 30 only. */
	and	w9, w0, #~(1 << 30)
	mov	w10, #0x006f
	movk	w10, #0x8400, lsl #16
	cmp	w9, w10
	b.ne	wait
	add	w0, w0, #1		/* the matching DIRECT_RESP: 0x..70 */
	ror	w1, w1, #16		/* w1 = sender << 16 | receiver: swap the two */
	smc	#0
	b	dispatch
