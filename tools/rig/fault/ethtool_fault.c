// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool_fault — makes a real NIC driver's ethtool "set" operations fail on demand, so the rig
 * can prove that a tune which fails half-way rolls back everything it had already changed.
 *
 * Debian's kernels have no netdevsim, no CONFIG_FAULT_INJECTION and no function error injection,
 * and netdevsim's own fault knobs cover FEC only, which xdpkit never sets. So this module wraps
 * the ethtool_ops of one interface: it points dev->ethtool_ops at a copy whose set_channels,
 * set_ringparam, set_rxfh and set_rxnfc (and set_rxfh_fields where the kernel has it) first ask
 * whether to fail, then call the driver's own operation. Unloading puts the driver's ops back.
 *
 *   insmod ethtool_fault.ko ifname=eth0
 *   echo 1 > /sys/module/ethtool_fault/parameters/fail_rxfh       # the next set_rxfh fails
 *   echo 2 > /sys/module/ethtool_fault/parameters/fail_channels   # the second set_channels from now
 *   echo 5 > /sys/module/ethtool_fault/parameters/fail_errno      # with -EIO (the default)
 * fail_<op> (channels, rings, rxfh, rxnfc) counts down on each call of its operation; the call
 * that brings it to 0 fails, and the ones after it reach the driver again. Every wrapped call is
 * counted in calls_<op>, every injected failure in failed_<op> (read-only), so a test can tell
 * that the operation it aimed at was reached at all.
 *
 * Built by tools/rig against the guest kernel's Debian headers; HAVE_RXFH_PARAM and
 * HAVE_RXFH_FIELDS come from the headers (the set_rxfh signature changed in 6.8; rx-flow-hash
 * moved to set_rxfh_fields in 6.17 and was backported to Debian's 6.12).
 */
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/string.h>

static char *ifname = "eth0";
module_param(ifname, charp, 0444);
MODULE_PARM_DESC(ifname, "interface whose ethtool set operations may fail");

static int fail_errno = EIO;
module_param(fail_errno, int, 0644);
MODULE_PARM_DESC(fail_errno, "errno an injected failure returns (positive)");

/* per operation: the countdown to its failing call (0: none), calls seen, failures injected */
#define FAULT_OP(op)                                                                        \
	static int fail_##op, calls_##op, failed_##op;                                      \
	module_param(fail_##op, int, 0644);                                                 \
	MODULE_PARM_DESC(fail_##op, "N > 0: the Nth set_" #op " call from now fails (once)"); \
	module_param(calls_##op, int, 0444);                                                \
	module_param(failed_##op, int, 0444)
FAULT_OP(channels);
FAULT_OP(rings);
FAULT_OP(rxfh);
FAULT_OP(rxnfc);

static struct net_device *target;
static netdevice_tracker target_tracker;
static const struct ethtool_ops *driver_ops;
static struct ethtool_ops wrapped_ops;

/* 0 to go on to the driver, or the error to return. Called under RTNL, like the ops themselves. */
static int should_fail(const char *op, int *countdown, int *calls, int *failed)
{
	(*calls)++;
	if (*countdown <= 0 || --*countdown > 0)
		return 0;
	(*failed)++;
	pr_info("ethtool_fault: %s: set_%s fails with -%d, as asked\n", ifname, op, fail_errno);
	return -fail_errno;
}
#define SHOULD_FAIL(op) should_fail(#op, &fail_##op, &calls_##op, &failed_##op)

static int fault_set_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	int err = SHOULD_FAIL(channels);

	return err ? err : driver_ops->set_channels(dev, ch);
}

static int fault_set_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring, struct netlink_ext_ack *extack)
{
	int err = SHOULD_FAIL(rings);

	return err ? err : driver_ops->set_ringparam(dev, ring, kring, extack);
}

#ifdef HAVE_RXFH_PARAM
static int fault_set_rxfh(struct net_device *dev, struct ethtool_rxfh_param *p, struct netlink_ext_ack *extack)
{
	int err = SHOULD_FAIL(rxfh);

	return err ? err : driver_ops->set_rxfh(dev, p, extack);
}
#else
static int fault_set_rxfh(struct net_device *dev, const u32 *indir, const u8 *key, const u8 hfunc)
{
	int err = SHOULD_FAIL(rxfh);

	return err ? err : driver_ops->set_rxfh(dev, indir, key, hfunc);
}
#endif

static int fault_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *nfc)
{
	int err = SHOULD_FAIL(rxnfc);

	return err ? err : driver_ops->set_rxnfc(dev, nfc);
}

#ifdef HAVE_RXFH_FIELDS
/* rx-flow-hash (xdpkit tune --hash) goes here on kernels that have it: counted as rxnfc */
static int fault_set_rxfh_fields(struct net_device *dev, const struct ethtool_rxfh_fields *f,
				 struct netlink_ext_ack *extack)
{
	int err = SHOULD_FAIL(rxnfc);

	return err ? err : driver_ops->set_rxfh_fields(dev, f, extack);
}
#endif

static int __init ethtool_fault_init(void)
{
	struct net_device *dev;

	rtnl_lock();
	dev = __dev_get_by_name(&init_net, ifname);
	if (!dev || !dev->ethtool_ops) {
		rtnl_unlock();
		pr_err("ethtool_fault: no interface '%s' with ethtool ops in the initial namespace\n", ifname);
		return -ENODEV;
	}
	driver_ops = dev->ethtool_ops;
	wrapped_ops = *driver_ops;
	/* only what the driver has: a missing op must stay missing (the core says EOPNOTSUPP) */
	if (driver_ops->set_channels)
		wrapped_ops.set_channels = fault_set_channels;
	if (driver_ops->set_ringparam)
		wrapped_ops.set_ringparam = fault_set_ringparam;
	if (driver_ops->set_rxfh)
		wrapped_ops.set_rxfh = fault_set_rxfh;
	if (driver_ops->set_rxnfc)
		wrapped_ops.set_rxnfc = fault_set_rxnfc;
#ifdef HAVE_RXFH_FIELDS
	if (driver_ops->set_rxfh_fields)
		wrapped_ops.set_rxfh_fields = fault_set_rxfh_fields;
#endif
	netdev_hold(dev, &target_tracker, GFP_KERNEL);
	target = dev;
	WRITE_ONCE(dev->ethtool_ops, &wrapped_ops);
	rtnl_unlock();
	pr_info("ethtool_fault: wrapping the ethtool set operations of %s (driver ops %ps)\n", ifname, driver_ops);
	return 0;
}

static void __exit ethtool_fault_exit(void)
{
	rtnl_lock();
	if (target->ethtool_ops == &wrapped_ops)
		WRITE_ONCE(target->ethtool_ops, driver_ops);
	netdev_put(target, &target_tracker);
	rtnl_unlock();
	pr_info("ethtool_fault: %s has its driver's ethtool ops back\n", ifname);
}

module_init(ethtool_fault_init);
module_exit(ethtool_fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xdpkit rig: make a NIC's ethtool set operations fail on demand");
