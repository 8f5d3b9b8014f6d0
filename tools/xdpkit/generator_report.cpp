// SPDX-License-Identifier: Apache-2.0
#include "generator_report.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace xdpkit::cli {

void add_generator_option(CLI::App& cmd, std::string& choice) {
  if (const char* env = std::getenv("XDPKIT_LAB_GENERATOR"); env && *env) choice = env;
  cmd.add_option("--generator", choice,
                 "The lab's traffic source: live (BPF_PROG_RUN live frames, fastest; some kernels refuse it), "
                 "tc-clone (a tc program cloning one skb under plain BPF_PROG_RUN), af-packet (AF_PACKET "
                 "sendmmsg, no BPF), or auto: the fastest this kernel allows. Default: $XDPKIT_LAB_GENERATOR, "
                 "else auto")
      ->check(CLI::IsMember({"auto", "live", "tc-clone", "af-packet"}))
      ->capture_default_str();
}

std::string generator_line(const lab::generator_support& support, lab::generator_kind chosen) {
  std::string s = fmt::format("generator: {}", lab::to_string(chosen));
  std::string passed_over;
  for (lab::generator_kind k : lab::all_generator_kinds) {
    if (k == chosen) break;
    const auto& e = support.of(k);
    if (!e.usable) passed_over += fmt::format("; {} not usable here: {}", lab::to_string(k), e.why_not);
  }
  return s + passed_over;
}

nlohmann::json generator_json(const lab::generator_support& support, lab::generator_kind chosen) {
  nlohmann::json usable = nlohmann::json::object(), why_not = nlohmann::json::object();
  for (lab::generator_kind k : lab::all_generator_kinds) {
    const auto& e = support.of(k);
    usable[std::string(lab::to_string(k))] = e.usable;
    if (!e.usable) why_not[std::string(lab::to_string(k))] = e.why_not;
  }
  return {{"kind", lab::to_string(chosen)}, {"usable", usable}, {"why_not", why_not}};
}

std::string generator_summary(lab::generator_kind kind, std::uint64_t sent, std::uint64_t refused,
                              std::uint64_t xdp_rx, double seconds) {
  const double mpps = seconds > 0 ? static_cast<double>(sent) / seconds / 1e6 : 0;
  std::string s = fmt::format("  generator     {} sent {} ({:.2f} Mpps)", lab::to_string(kind), sent, mpps);
  if (kind != lab::generator_kind::live) s += fmt::format(", {} refused by the veth and not counted as sent", refused);
  return s + fmt::format("; the XDP program saw {} ({} lost on the veth before XDP: its ring was full)", xdp_rx,
                         sent >= xdp_rx ? sent - xdp_rx : 0);
}

}  // namespace xdpkit::cli
