// SPDX-License-Identifier: Apache-2.0
// How the demo and the bench let the user pick the lab's generator and say
// which one runs: one option, one start line, one JSON object, one summary line.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "xdpkit/lab/generator.hpp"

namespace xdpkit::cli {

// --generator auto|live|tc-clone|af-packet; its default is XDPKIT_LAB_GENERATOR, else auto.
void add_generator_option(CLI::App& cmd, std::string& choice);

// "generator: tc-clone (auto: live frames refused here: …)"
std::string generator_line(const lab::generator_support& support, lab::generator_kind chosen);
// {"kind": "tc-clone", "usable": {"live": false, …}, "why_not": {"live": "…"}}
nlohmann::json generator_json(const lab::generator_support& support, lab::generator_kind chosen);
// "  generator     tc-clone sent N (R Mpps), refused F; the XDP program saw M (…)"
std::string generator_summary(lab::generator_kind kind, std::uint64_t sent, std::uint64_t refused,
                              std::uint64_t xdp_rx, double seconds);

}  // namespace xdpkit::cli
