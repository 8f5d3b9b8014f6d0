// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* abi_check.h — layout asserts that run in both compilers.
 *
 * The ABI headers check the size and offsets of their structs with these, so
 * clang -target bpf and the C++ compiler check the same numbers and the two
 * sides can't disagree on a byte unnoticed.
 */
#ifndef XDPKIT_BPF_ABI_CHECK_H
#define XDPKIT_BPF_ABI_CHECK_H

#ifdef __cplusplus
#define XDPKIT_ABI_ASSERT(e) static_assert(e, #e)
#else
#define XDPKIT_ABI_ASSERT(e) _Static_assert(e, #e)
#endif
#define XDPKIT_ABI_OFFSET(t, f) __builtin_offsetof(struct t, f)

#endif /* XDPKIT_BPF_ABI_CHECK_H */
