/* SPDX-License-Identifier: BSD-2-Clause */
/* Reset entry of the firmware image: one hart runs the firmware, the
 * others park. Stack at the top of the image's RAM, .bss cleared, then C. */
	.section .text.start, "ax"
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	rg_card_main
park:
	wfi
	j	park
