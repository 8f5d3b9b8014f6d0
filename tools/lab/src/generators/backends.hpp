// SPDX-License-Identifier: Apache-2.0
// The generator backends, each in its own file: a factory and a probe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "xdpkit/lab/generator.hpp"

namespace xdpkit::lab::backends {

std::unique_ptr<frame_generator> make_live(const std::string& ifname, std::vector<std::uint8_t> frame);
std::unique_ptr<frame_generator> make_tc_clone(const std::string& ifname, std::vector<std::uint8_t> frame);
std::unique_ptr<frame_generator> make_af_packet(const std::string& ifname, std::vector<std::uint8_t> frame);

generator_support::entry probe_live();
generator_support::entry probe_tc_clone();
generator_support::entry probe_af_packet();

// A probe's "no" with the kernel's errno. EINVAL, EOPNOTSUPP, ENOTSUPP (524)
// and ENOPROTOOPT are how a kernel without `feature` answers an unknown flag or
// option: those set `missing` (the feature came in `since`); anything else
// (EPERM above all) is a refusal by a kernel that has it.
generator_support::entry refused(int err, std::string why_not, const char* feature, kernel_version since);

// The interface's index in the calling thread's namespace; os_error naming it if unknown.
unsigned ifindex_of(const std::string& ifname);

}  // namespace xdpkit::lab::backends
