// SPDX-License-Identifier: Apache-2.0
// Everything of topology/ in one include, for tools and tests. Libraries should
// include the one header they need.
#pragma once

#include "xdpkit/topology/cmdline.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/topology/interrupts.hpp"
#include "xdpkit/topology/json.hpp"
#include "xdpkit/topology/meminfo.hpp"
#include "xdpkit/topology/nic.hpp"
#include "xdpkit/topology/numa.hpp"
#include "xdpkit/topology/numa_maps.hpp"
#include "xdpkit/topology/planner.hpp"
#include "xdpkit/topology/proc_pid.hpp"
#include "xdpkit/topology/softnet.hpp"
#include "xdpkit/topology/sysctl.hpp"
#include "xdpkit/topology/validator.hpp"
