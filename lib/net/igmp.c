/* SPDX-License-Identifier: BSD-3-Clause
 * PLACEHOLDER: IGMP host (mcast.h).
 */
#include "net/net.h"

void igmp_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip)
{
	(void)p; (void)ip;
	net_drop(ds, m, DPG_DROP_igmp_unhandled);
}
