// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

namespace {
std::string parse_message(std::string_view subject, std::string_view source, std::string_view detail) {
  std::string m;
  m.append(subject).append(" in ").append(source.empty() ? std::string_view("<input>") : source);
  m.append(": ").append(detail);
  return m;
}
}  // namespace

parse_error::parse_error(std::string_view subject, std::string_view source, std::string_view detail)
    : std::runtime_error(parse_message(subject, source, detail)),
      source_(source.empty() ? "<input>" : std::string(source)) {}

}  // namespace xdpkit::topology
