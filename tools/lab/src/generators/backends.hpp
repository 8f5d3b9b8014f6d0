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

// The interface's index in the calling thread's namespace; os_error naming it if unknown.
unsigned ifindex_of(const std::string& ifname);

}  // namespace xdpkit::lab::backends
