// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/dogstatsd.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/quote.hpp"

namespace xdpkit::service {

namespace {

// "xdpkit_rx_packets_total" -> "xdpkit.rx_packets"
std::string statsd_name(const std::string& family) {
  std::string n = family;
  if (n.size() > 6 && n.compare(n.size() - 6, 6, "_total") == 0) n.resize(n.size() - 6);
  if (n.rfind("xdpkit_", 0) == 0) n = "xdpkit." + n.substr(7);
  return n;
}

// DogStatsD tags may not hold ',' '|' or ':' in a value's place.
std::string tag_value(const std::string& v) {
  std::string out = v;
  for (char& c : out)
    if (c == ',' || c == '|' || c == ':' || c == '#' || c == '\n') c = '_';
  return out;
}

std::string number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char b[32];
  std::snprintf(b, sizeof(b), "%.9g", v);
  return b;
}

}  // namespace

std::vector<std::string> dogstatsd_lines(const std::vector<prometheus::MetricFamily>& families,
                                         std::map<std::string, double>& last, const std::string& boot_id) {
  std::vector<std::string> lines;
  for (const auto& f : families) {
    const bool counter = f.type == prometheus::MetricType::Counter;
    if (!counter && f.type != prometheus::MetricType::Gauge) continue;
    const std::string name = statsd_name(f.name);
    for (const auto& m : f.metric) {
      std::string tags;
      for (const auto& l : m.label) tags += (tags.empty() ? "" : ",") + l.name + ":" + tag_value(l.value);
      if (!boot_id.empty()) tags += (tags.empty() ? "" : ",") + std::string("boot_id:") + boot_id;
      std::string value;
      if (counter) {
        double& seen = last[f.name + "{" + tags + "}"];
        const double delta = m.counter.value - seen;
        seen = m.counter.value;
        if (delta <= 0) continue;  // nothing grew (or a restart went backwards: the next push starts over)
        value = number(delta) + "|c";
      } else {
        value = number(m.gauge.value) + "|g";
      }
      lines.push_back(name + ":" + value + (tags.empty() ? "" : "|#" + tags));
    }
  }
  return lines;
}

std::string read_boot_id(const topology::host_root& root) {
  try {
    std::string id = root.read("/proc/sys/kernel/random/boot_id");
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
  } catch (const std::exception&) {
    return "";
  }
}

dogstatsd_sink::dogstatsd_sink(const std::string& target, std::string boot_id)
    : target_(target), boot_id_(std::move(boot_id)) {
  const std::string scheme = "udp://";
  const auto colon = target.rfind(':');
  if (target.rfind(scheme, 0) != 0 || colon == std::string::npos || colon < scheme.size())
    throw std::invalid_argument("[metrics] dogstatsd: " + xdpkit::quote(target) + " is not udp://HOST:PORT");
  std::string host = target.substr(scheme.size(), colon - scheme.size());
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = target.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (const int r = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); r != 0)
    throw std::invalid_argument("[metrics] dogstatsd: cannot resolve " + xdpkit::quote(host) + ": " + gai_strerror(r));
  const addrinfo* a = res;
  fd_.reset(::socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  const int err = errno;
  // Connected: send() then reports an agent that is not listening (ECONNREFUSED).
  const bool connected = fd_ && ::connect(fd_.get(), a->ai_addr, a->ai_addrlen) == 0;
  const int cerr = errno;
  freeaddrinfo(res);
  if (!fd_) throw_os_error(err, "create DogStatsD socket", target);
  if (!connected) throw_os_error(cerr, "connect DogStatsD socket", target);
}

std::size_t dogstatsd_sink::push(const std::vector<prometheus::MetricFamily>& families) {
  constexpr std::size_t max_datagram = 1432;
  std::size_t sent = 0;
  std::string datagram;
  const auto flush = [&] {
    if (datagram.empty()) return;
    if (::send(fd_.get(), datagram.data(), datagram.size(), MSG_NOSIGNAL) < 0) ++send_errors_;
    else ++sent;
    datagram.clear();
  };
  for (const auto& line : dogstatsd_lines(families, last_, boot_id_)) {
    if (!datagram.empty() && datagram.size() + 1 + line.size() > max_datagram) flush();
    datagram += (datagram.empty() ? "" : "\n") + line;
  }
  flush();
  return sent;
}

}  // namespace xdpkit::service
