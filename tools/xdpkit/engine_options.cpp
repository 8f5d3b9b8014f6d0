// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/base/regular_file.hpp"
#include "engine_options.hpp"

#include <cmath>
#include <stdexcept>

namespace xdpkit::cli {

void add_capture_options(CLI::App& cmd, std::string& file, std::uint64_t& count, std::uint32_t& snaplen,
                         const std::string& file_help) {
  cmd.add_option("--capture", file, file_help);
  cmd.add_option("--capture-count", count, "Stop writing after this many packets (0: no limit)")->capture_default_str();
  cmd.add_option("--snaplen", snaplen, "Bytes of each packet the capture keeps")
      ->check(CLI::Range(1u, 262144u))
      ->capture_default_str();
}

void add_engine_options(CLI::App& cmd, engine_options& o) {
  cmd.add_option("--handler", o.handler,
                 "What the worker does with each packet: rxdrop (count and drop), l2fwd "
                 "(swap MACs, send back out the same interface), or capture (write it to --capture FILE, drop it)")
      ->check(CLI::IsMember({"rxdrop", "l2fwd", "capture"}))
      ->capture_default_str();
  add_capture_options(cmd, o.capture_file, o.capture_count, o.snaplen,
                      "Write what the handler sees, before it acts, to this pcap file (tcpdump -r reads it); "
                      "with --handler capture, that is all it does");
  cmd.add_option("--xdp-mode", o.xdp_mode,
                 "auto: native XDP, generic only if the driver refuses; native; generic")
      ->check(CLI::IsMember({"auto", "native", "generic"}))
      ->capture_default_str();
  cmd.add_option("--bind", o.bind,
                 "AF_XDP bind: copy (every driver), zero-copy (driver support needed), auto")
      ->check(CLI::IsMember({"copy", "zero-copy", "auto"}))
      ->capture_default_str();
  cmd.add_option("--pages", o.pages,
                 "UMEM memory: huge (2 MiB pages, fail if short), huge-or-normal (fall back and say so), normal")
      ->check(CLI::IsMember({"huge", "huge-or-normal", "normal"}))
      ->capture_default_str();
  cmd.add_option("--wait", o.wait,
                 "busy: spin on the rings (lowest latency, one core at 100%); poll: sleep in poll() when idle")
      ->check(CLI::IsMember({"busy", "poll"}))
      ->capture_default_str();
  cmd.add_option("--batch", o.batch, "Descriptors per ring operation")->check(CLI::Range(1, 256))->capture_default_str();
  cmd.add_option("--frames", o.frames, "UMEM frames (4 KiB each) per queue, a power of two")
      ->check(CLI::Range(64u, 1u << 20))
      ->capture_default_str();
  cmd.add_option("--rules", o.rules_file,
                 "Firewall rule file (see `xdpkit rules check --help`): the firewall becomes the XDP program and "
                 "only what a redirect-xsk rule sends reaches the workers")
      ->check(CLI::ExistingFile);
  cmd.add_option("--rule", o.inline_rules,
                 "A firewall rule given here (repeatable), after those of --rules, e.g. "
                 "--rule 'drop proto udp dport 53'; a default or non-ip line works too");
  cmd.add_option("--port", o.ports,
                 "SLOT=IFNAME: where redirect-dev SLOT sends packets (an interface in this namespace with XDP "
                 "transmit support)");
  cmd.add_option("--busy-poll", o.busy_poll_usec,
                 "Preferred busy polling on each socket, in microseconds (SO_PREFER_BUSY_POLL, SO_BUSY_POLL): the "
                 "worker's syscalls run the NIC's NAPI; pair with `xdpkit tune IF --busy-poll`. 0 = off")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd.add_option("--busy-poll-budget", o.busy_poll_budget, "Packets per busy-poll NAPI run (SO_BUSY_POLL_BUDGET)")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  cmd.add_option("--fifo", o.fifo_priority,
                 "Run workers SCHED_FIFO at this priority (1-99; needs root). RT throttling "
                 "(kernel.sched_rt_runtime_us) still applies; see `xdpkit validate`")
      ->check(CLI::Range(0, 99))
      ->capture_default_str();
  cmd.add_flag("--multi-buffer", o.multi_buffer,
               "Frames over one page (an MTU above ~3,500, e.g. 9,000-byte jumbo frames): the xdp.frags variant of "
               "the XDP program and sockets bound with XDP_USE_SG (Linux 6.6+), each frame handed to the handler as "
               "one packet of several buffers. Without it such an MTU is refused with the limit named");
  cmd.add_option("--no-socket", o.no_socket,
                 "What the XDP program does with packets of a queue that has no socket: pass (to the stack) or drop")
      ->check(CLI::IsMember({"pass", "drop"}))
      ->capture_default_str();
}

CLI::Validator finite_seconds(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double v = 0;
        std::size_t used = 0;
        try {
          v = std::stod(text, &used);
        } catch (const std::exception&) {
          return xdpkit::quote(text) + " is not a number of seconds";
        }
        if (used != text.size() || !std::isfinite(v)) return xdpkit::quote(text) + " is not a number of seconds";
        if (v < lo || v > hi) return xdpkit::quote(text) + " is outside " + CLI::detail::to_string(lo) + " to " + CLI::detail::to_string(hi) + " seconds";
        return {};
      },
      "SECONDS in [" + CLI::detail::to_string(lo) + " - " + CLI::detail::to_string(hi) + "]");
}

firewall::rule_set load_rules(const std::string& file, const std::vector<std::string>& inline_rules) {
  firewall::rule_set set;
  // A rule source that cannot be read whole is an error before anything is
  // attached: a firewall must never start with fewer rules than it was given.
  if (!file.empty()) set = firewall::parse_rules(read_regular_file(file, "rules file"), file);  // FILE:LINE
  // Command-line rules are numbered as lines of "--rule": errors say which one.
  std::string cli;
  for (std::size_t i = 0; i < inline_rules.size(); ++i) {
    const auto& r = inline_rules[i];
    if (r.find_first_of("\n\r") != std::string::npos)
      throw std::invalid_argument("--rule " + std::to_string(i + 1) +
                                  " holds a line break: give each rule its own --rule (or use --rules FILE)");
    cli += r + "\n";
  }
  firewall::merge_rules(set, firewall::parse_rules(cli, "--rule"));
  return set;
}

std::map<std::uint32_t, std::string> parse_ports(const std::vector<std::string>& words) {
  std::map<std::uint32_t, std::string> out;
  for (const auto& p : words) {
    const auto eq = p.find('=');
    unsigned long slot = XDPKIT_FW_PORT_SLOTS;
    try {
      slot = std::stoul(p.substr(0, eq));
    } catch (const std::exception&) {
    }
    if (eq == std::string::npos || slot >= XDPKIT_FW_PORT_SLOTS || eq + 1 >= p.size())
      throw std::invalid_argument("--port takes SLOT=IFNAME with SLOT 0-63, not " + xdpkit::quote(p));
    out[static_cast<std::uint32_t>(slot)] = p.substr(eq + 1);
  }
  return out;
}

engine_config to_engine_config(const engine_options& o, const std::string& ifname,
                               std::vector<std::uint32_t> queues, std::vector<int> cpus,
                               std::shared_ptr<pcap_writer>* capture) {
  const bool capture_only = o.handler == "capture";
  engine_words words = o;
  if (capture_only) words.handler = "rxdrop";  // what happens after the write: the frame is dropped
  engine_config c = engine_config_from(words, ifname, std::move(queues), std::move(cpus));
  if (capture_only && o.capture_file.empty())
    throw std::invalid_argument("--handler capture writes to --capture FILE: give one");
  if (!o.capture_file.empty()) {
    if (!capture) throw std::invalid_argument("--capture: this command does not capture (`xdpkit run` does)");
    *capture = pcap_writer::create(o.capture_file, o.snaplen, o.capture_count);
    if (capture_only) {
      c.make_worker = run_handler(capture_handler{*capture});
      c.handler_name = "capture";
    } else if (c.handler == handler_kind::l2fwd) {
      c.make_worker = run_handler(recording<l2fwd_handler>{{}, *capture});
      c.handler_name = "l2fwd (captured)";
    } else {
      c.make_worker = run_handler(recording<rxdrop_handler>{{}, *capture});
      c.handler_name = "rxdrop (captured)";
    }
  }
  if (!o.rules_file.empty() || !o.inline_rules.empty()) c.firewall = load_rules(o.rules_file, o.inline_rules);
  if (!o.ports.empty() && !c.firewall)
    throw std::invalid_argument("--port " + o.ports.front() +
                                ": ports are where firewall redirect-dev rules send packets, and no rules were given "
                                "(--rules FILE or --rule 'redirect-dev SLOT ...')");
  c.firewall_ports = parse_ports(o.ports);
  return c;
}

}  // namespace xdpkit::cli
