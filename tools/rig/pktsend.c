// SPDX-License-Identifier: Apache-2.0
// pktsend — the rig's host-side traffic source: UDP/IPv4 frames into the guest NIC's backend,
// either over AF_PACKET into an interface (the virtio guest's tap, inside the rig's private
// network namespace) or, with TARGET unix:PATH, as one datagram per frame into the unix socket of
// QEMU's `-netdev dgram` (the igb guest: no tap, QEMU hands each datagram to the NIC as a frame).
// The source port cycles over FLOWS values (spread over 1024-65534, see flow_port) so RSS
// spreads the flows over the guest's queues.
// Bounded by --seconds.
//
//   pktsend IFNAME|unix:PATH DSTMAC [--flows N] [--pps R] [--seconds S] [--dport P]
//
// Built by tools/rig/rig run into the rig cache; not part of the xdpkit build.
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static unsigned short ip_checksum(const void* p, int n) {
  unsigned long s = 0;
  const unsigned short* w = p;
  for (; n > 1; n -= 2) s += *w++;
  if (n) s += *(const unsigned char*)w;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (unsigned short)~s;
}

static void usage(void) {
  fprintf(stderr, "usage: pktsend IFNAME|unix:PATH DSTMAC [--flows N] [--pps R] [--seconds S] [--dport P]\n");
  exit(2);
}

// Flow f's source port, spread over the whole 16-bit range. RSS's Toeplitz hash
// is linear over GF(2): ports 10000..10063, which differ in their low 6 bits
// only, left one queue of four without any flow for some boot's random key
// (seen in CI: packets per queue 208 416 201 0). With ports differing in all
// 16 bits, a queue of four stays empty for about 3 keys in 2^16.
static unsigned short flow_port(unsigned f) { return (unsigned short)(1024u + f * 40503u % 64511u); }

int main(int argc, char** argv) {
  if (argc < 3) usage();
  const char* ifname = argv[1];
  unsigned char dst[6];
  if (sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dst[0], &dst[1], &dst[2], &dst[3], &dst[4], &dst[5]) != 6) {
    fprintf(stderr, "pktsend: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)\n", argv[2]);
    return 2;
  }
  int flows = 64, dport = 9000;
  double pps = 200, seconds = 60;
  for (int i = 3; i < argc; i += 2) {
    if (i + 1 >= argc) usage();
    if (!strcmp(argv[i], "--flows")) flows = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--pps")) pps = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--dport")) dport = atoi(argv[i + 1]);
    else usage();
  }
  if (flows < 1 || pps <= 0 || seconds <= 0) usage();

  int s;
  struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_halen = 6};
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  const struct sockaddr* to;
  socklen_t tolen;
  if (!strncmp(ifname, "unix:", 5)) {
    // QEMU's dgram backend reads one Ethernet frame per datagram from its local socket
    if (strlen(ifname + 5) >= sizeof un.sun_path) { fprintf(stderr, "pktsend: socket path too long: %s\n", ifname + 5); return 2; }
    strcpy(un.sun_path, ifname + 5);
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (s < 0) { fprintf(stderr, "pktsend: socket(AF_UNIX): %s\n", strerror(errno)); return 1; }
    to = (const struct sockaddr*)&un;
    tolen = sizeof un;
  } else {
    s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (s < 0) { fprintf(stderr, "pktsend: socket(AF_PACKET): %s (needs CAP_NET_RAW)\n", strerror(errno)); return 1; }
    ll.sll_ifindex = (int)if_nametoindex(ifname);
    if (!ll.sll_ifindex) { fprintf(stderr, "pktsend: no interface '%s'\n", ifname); return 1; }
    memcpy(ll.sll_addr, dst, 6);
    to = (const struct sockaddr*)&ll;
    tolen = sizeof ll;
  }

  unsigned char f[14 + 20 + 8 + 32] = {0};
  const unsigned char src[6] = {0x02, 0, 0, 0, 0, 1};
  memcpy(f, dst, 6);
  memcpy(f + 6, src, 6);
  f[12] = 0x08;
  struct iphdr* ip = (struct iphdr*)(f + 14);
  struct udphdr* udp = (struct udphdr*)(f + 34);
  long total = (long)(pps * seconds), errors = 0;
  struct timespec gap = {(time_t)(1 / pps), (long)(1e9 / pps) % 1000000000L};
  for (long i = 0; i < total; i++) {
    ip->version = 4; ip->ihl = 5; ip->ttl = 64; ip->protocol = IPPROTO_UDP;
    ip->tot_len = htons(20 + 8 + 32);
    ip->saddr = inet_addr("10.99.0.1"); ip->daddr = inet_addr("10.99.0.2");
    ip->id = htons((unsigned short)i); ip->check = 0; ip->check = ip_checksum(ip, 20);
    udp->source = htons(flow_port((unsigned)(i % flows))); udp->dest = htons((unsigned short)dport);
    udp->len = htons(8 + 32); udp->check = 0;
    if (sendto(s, f, sizeof f, 0, to, tolen) < 0 && ++errors == 1)
      fprintf(stderr, "pktsend: sendto %s: %s (continuing)\n", ifname, strerror(errno));
    nanosleep(&gap, NULL);
  }
  return 0;
}
