/* SPDX-License-Identifier: BSD-3-Clause
 * PLACEHOLDER: MLD host (mcast.h).
 */
#include "net/net.h"

void mld_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
	       struct rte_ipv6_hdr *ip, unsigned len)
{
	(void)p; (void)ip; (void)len;
	net_drop(ds, m, DPG_DROP_mld_unhandled);
}
