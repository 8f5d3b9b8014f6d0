#include "xdpkit/ethtool/result.hpp"

#include <cstring>

namespace xdpkit::ethtool {

std::string describe_failure(const std::string& op, const std::string& ifname, int err,
                             const std::string& hint) {
  std::string s = op + " on " + ifname + ": " + std::strerror(err);
  if (!hint.empty()) s += " — " + hint;
  return s;
}

error::error(std::string op, std::string ifname, int err, std::string hint)
    : std::system_error(err, std::generic_category(), op + " on " + ifname),
      op_(std::move(op)),
      ifname_(std::move(ifname)),
      hint_(std::move(hint)),
      text_(describe_failure(op_, ifname_, err, hint_)) {}

}  // namespace xdpkit::ethtool
