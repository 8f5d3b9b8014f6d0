// SPDX-License-Identifier: Apache-2.0
// libbpf and libxdp print to stderr on their own; much of it is noise for a
// user (section names libbpf skips, libxdp's dispatcher fallback chatter).
// xdpkit routes both through one callback: silent by default, everything with
// XDPKIT_DEBUG=1 in the environment (the verifier log among it).
#pragma once

namespace xdpkit {

// Idempotent; called by everything that loads a BPF object.
void init_library_logging();
bool library_debug_enabled();

}  // namespace xdpkit
