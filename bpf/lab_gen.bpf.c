/* lab_gen.bpf.c — the veth lab's traffic source.
 *
 * Run with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: the kernel builds a real
 * xdp_frame from the test packet for every repetition and this program redirects
 * it out of `out_ifindex`, so one syscall sends millions of frames without skbs.
 * The same technique as xdp-trafficgen, for IPv4/UDP frames built by the lab.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 out_ifindex = 0;

SEC("xdp")
int xdpkit_lab_gen(struct xdp_md *ctx)
{
	(void)ctx;
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
