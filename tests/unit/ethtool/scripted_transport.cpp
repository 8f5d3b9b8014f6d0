// SPDX-License-Identifier: Apache-2.0
#include "scripted_transport.hpp"

#include <cerrno>

#include <fmt/format.h>

namespace xdpkit::ethtool::testing {

std::string hex(std::span<const std::byte> b) {
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i && i % 16 == 0) s += '\n';
    s += fmt::format("{:02x} ", static_cast<unsigned>(b[i]));
  }
  return s;
}

scripted_transport::~scripted_transport() {
  EXPECT_TRUE(ioctls_.empty()) << ioctls_.size() << " scripted ioctl(s) never issued";
  EXPECT_TRUE(genls_.empty()) << genls_.size() << " scripted netlink request(s) never sent";
}

void scripted_transport::expect_ioctl(std::string ifname, bytes request, bytes reply, int rc) {
  ioctls_.push_back({std::move(ifname), std::move(request), std::move(reply), rc});
}

void scripted_transport::expect_genl(genl_request request, std::vector<bytes> replies, int rc) {
  genls_.push_back({std::move(request), std::move(replies), rc});
}

int scripted_transport::ethtool_ioctl(const std::string& ifname, std::span<std::byte> buf) {
  seen_.emplace_back(buf.begin(), buf.end());
  if (ioctls_.empty()) {
    ADD_FAILURE() << "unscripted ioctl on " << ifname << ":\n" << hex(buf);
    return -ENOSYS;
  }
  ioctl_step step = std::move(ioctls_.front());
  ioctls_.pop_front();
  EXPECT_EQ(step.ifname, ifname);
  const bytes got(buf.begin(), buf.end());
  EXPECT_EQ(got, step.request) << "request bytes differ\n got:\n"
                               << hex(got) << "\n want:\n"
                               << hex(step.request);
  if (!step.reply.empty()) {
    EXPECT_EQ(step.reply.size(), buf.size()) << "scripted reply has another size than the request";
    std::memcpy(buf.data(), step.reply.data(), std::min(step.reply.size(), buf.size()));
  }
  return step.rc;
}

int scripted_transport::ifindex(const std::string& ifname) {
  auto it = ifindex_.find(ifname);
  return it == ifindex_.end() ? -ENODEV : it->second;
}

int scripted_transport::genl(const genl_request& req, std::vector<std::vector<std::byte>>& replies) {
  if (genls_.empty()) {
    ADD_FAILURE() << "unscripted netlink request to " << req.family;
    return -ENOSYS;
  }
  genl_step step = std::move(genls_.front());
  genls_.pop_front();
  EXPECT_EQ(step.request.family, req.family);
  EXPECT_EQ(step.request.cmd, req.cmd);
  EXPECT_EQ(step.request.version, req.version);
  EXPECT_EQ(step.request.dump, req.dump);
  EXPECT_EQ(step.request.attrs, req.attrs) << "attribute bytes differ\n got:\n"
                                           << hex(req.attrs) << "\n want:\n"
                                           << hex(step.request.attrs);
  for (auto& r : step.replies) replies.push_back(std::move(r));
  return step.rc;
}

}  // namespace xdpkit::ethtool::testing
