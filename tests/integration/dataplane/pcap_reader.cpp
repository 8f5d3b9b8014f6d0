// SPDX-License-Identifier: Apache-2.0
#include "pcap_reader.hpp"

#include <pcap/pcap.h>

#include "xdpkit/lab/command.hpp"

namespace xdpkit::testing {

captured read_pcap(const std::filesystem::path& file) {
  captured out;
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(file.c_str(), err);
  if (!p) {
    out.error = err;
    return out;
  }
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &h, &data) == 1) {
    out.frames.emplace_back(data, data + h->caplen);
    out.lengths.push_back(h->len);
  }
  if (pcap_datalink(p) != DLT_EN10MB) out.error = "link type " + std::to_string(pcap_datalink(p)) + ", not Ethernet";
  pcap_close(p);
  return out;
}

long tcpdump_count(const std::filesystem::path& file) {
  const auto r = lab::run_command({"tcpdump", "-nn", "-r", file.string()});
  if (r.status != 0) return -1;
  long n = 0;
  std::size_t at = 0;
  for (std::size_t nl; (nl = r.output.find('\n', at)) != std::string::npos; at = nl + 1)
    n += r.output.compare(at, 17, "reading from file") != 0;  // its stderr's one line
  return n;
}

}  // namespace xdpkit::testing
