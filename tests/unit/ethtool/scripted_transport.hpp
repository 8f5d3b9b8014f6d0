// SPDX-License-Identifier: Apache-2.0
// A transport that plays the kernel from a script: each expected call names
// the request bytes it must receive, the bytes to answer with and the return
// code. Calls out of order, with other bytes, or beyond the script fail the
// test; so does a script left unfinished (checked in the destructor).
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "xdpkit/ethtool/transport.hpp"

namespace xdpkit::ethtool::testing {

using bytes = std::vector<std::byte>;

template <class T>
bytes to_bytes(const T& v) {
  bytes b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}

// A header struct followed by a tail (flexible array contents).
template <class T, class U>
bytes with_tail(const T& head, const std::vector<U>& tail) {
  // One allocation and two copies: GCC 12 at -O3 misreads vector::insert
  // after a fixed-size vector as an out-of-bounds memcpy (-Warray-bounds).
  bytes b(sizeof head + tail.size() * sizeof(U));
  std::memcpy(b.data(), &head, sizeof head);
  if (!tail.empty()) std::memcpy(b.data() + sizeof head, tail.data(), tail.size() * sizeof(U));
  return b;
}

template <class T>
T zeroed() {
  T t;
  std::memset(&t, 0, sizeof t);
  return t;
}

std::string hex(std::span<const std::byte> b);

class scripted_transport final : public transport {
 public:
  ~scripted_transport() override;

  // Expect a SIOCETHTOOL whose buffer equals `request`; copy `reply` over the
  // buffer (when not empty) and return `rc` (-errno for failures).
  void expect_ioctl(std::string ifname, bytes request, bytes reply, int rc = 0);
  template <class T>
  void expect(const std::string& ifname, const T& request, const T& reply, int rc = 0) {
    expect_ioctl(ifname, to_bytes(request), to_bytes(reply), rc);
  }
  template <class T>
  void expect_fail(const std::string& ifname, const T& request, int err) {
    expect_ioctl(ifname, to_bytes(request), {}, -err);
  }
  void expect_genl(genl_request request, std::vector<bytes> replies, int rc = 0);
  void set_ifindex(const std::string& ifname, int index) { ifindex_[ifname] = index; }

  bool finished() const { return ioctls_.empty() && genls_.empty(); }
  // The request bytes of every ioctl seen, in order (for round-trip tests).
  const std::vector<bytes>& seen() const { return seen_; }

  int ethtool_ioctl(const std::string& ifname, std::span<std::byte> buf) override;
  int ifindex(const std::string& ifname) override;
  int genl(const genl_request& req, std::vector<std::vector<std::byte>>& replies) override;

 private:
  struct ioctl_step {
    std::string ifname;
    bytes request, reply;
    int rc;
  };
  struct genl_step {
    genl_request request;
    std::vector<bytes> replies;
    int rc;
  };
  std::deque<ioctl_step> ioctls_;
  std::deque<genl_step> genls_;
  std::map<std::string, int> ifindex_;
  std::vector<bytes> seen_;
};

}  // namespace xdpkit::ethtool::testing
