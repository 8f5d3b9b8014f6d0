// SPDX-License-Identifier: Apache-2.0
#include "pcap_reader.hpp"

#include <pcap/pcap.h>

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

}  // namespace xdpkit::testing
