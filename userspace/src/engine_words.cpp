// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/engine_words.hpp"

#include <stdexcept>

#include "xdpkit/base/quote.hpp"

namespace xdpkit {

namespace {
template <class T>
T pick(const std::string& what, const std::string& word, std::initializer_list<std::pair<const char*, T>> choices) {
  std::string names;
  for (const auto& [name, value] : choices) {
    if (word == name) return value;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  throw std::invalid_argument(what + " " + xdpkit::quote(word) + " is not one of " + names);
}
}  // namespace

engine_config engine_config_from(const engine_words& w, const std::string& ifname, std::vector<std::uint32_t> queues,
                                 std::vector<int> cpus) {
  engine_config c;
  c.ifname = ifname;
  c.queues = std::move(queues);
  c.cpus = std::move(cpus);
  const auto handler = parse_handler_kind(w.handler);
  if (!handler) throw std::invalid_argument("handler " + xdpkit::quote(w.handler) + " is not one of rxdrop, l2fwd");
  c.handler = *handler;
  c.steer.mode = pick<xdp_mode_request>("xdp mode", w.xdp_mode,
                                        {{"auto", xdp_mode_request::automatic},
                                         {"native", xdp_mode_request::native},
                                         {"generic", xdp_mode_request::generic}});
  c.steer.no_socket =
      pick<no_socket_policy>("no-socket policy", w.no_socket, {{"pass", no_socket_policy::pass}, {"drop", no_socket_policy::drop}});
  c.xsk.mode = pick<bind_mode>("bind", w.bind,
                               {{"copy", bind_mode::copy}, {"zero-copy", bind_mode::zero_copy}, {"auto", bind_mode::automatic}});
  c.xsk.with_tx = c.handler == handler_kind::l2fwd;
  c.umem.pages = pick<page_policy>("pages", w.pages,
                                   {{"huge", page_policy::huge_required},
                                    {"huge-or-normal", page_policy::huge_preferred},
                                    {"normal", page_policy::normal}});
  if (w.frames == 0 || (w.frames & (w.frames - 1)))
    throw std::invalid_argument("frames: " + std::to_string(w.frames) + " is not a power of two");
  c.umem.frame_count = w.frames;
  c.umem.shareable = w.shareable_umem;
  c.umem.fill_size = w.frames;
  c.umem.completion_size = w.frames / 2 ? w.frames / 2 : 1;
  c.xsk.rx_size = w.frames / 2;
  c.xsk.tx_size = w.frames / 2;
  c.worker.batch = w.batch;
  c.worker.wait = pick<wait_mode>("wait", w.wait, {{"busy", wait_mode::busy}, {"poll", wait_mode::poll}});
  c.worker.fifo_priority = w.fifo_priority;
  c.xsk.busy_poll_usec = w.busy_poll_usec;
  c.xsk.busy_poll_budget = w.busy_poll_budget;
  c.xsk.multi_buffer = w.multi_buffer;
  c.steer.multi_buffer = w.multi_buffer;
  return c;
}

}  // namespace xdpkit
