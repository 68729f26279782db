/* SPDX-License-Identifier: BSD-3-Clause
 *
 * DPDK backend: lands with the next issue (ports, Ethernet/ARP/IPv4/UDP).
 * Until then opening a "dpdk" stack is -ENOTSUP; the ops table already has
 * its place so that the socket layer and the tests need no change.
 */
#include <errno.h>

#include "backend/backend.h"

static int dpdk_stack_open(struct dpg_stack *st, const struct dpg_stack_config *cfg)
{
	(void)st;
	(void)cfg;
	return -ENOTSUP;
}

const struct backend_ops dpdk_backend_ops = {
	.name = "dpdk",
	.stack_size = sizeof(struct dpg_stack),
	.sock_size = sizeof(struct dpg_socket),
	.stack_open = dpdk_stack_open,
};
