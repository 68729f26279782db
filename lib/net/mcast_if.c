/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Glue between the stack and the multicast interface state (mcast.h).
 * PLACEHOLDER: filled in by the multicast issue.
 */
#include <errno.h>

#include "net/net.h"

int mcast_init(struct dstack *ds)
{
	(void)ds;
	return 0;
}

void mcast_fini(struct dstack *ds)
{
	ds->mc = NULL;
}

int mcast_join(struct dstack *ds, unsigned pi, const struct in6_addr *group,
	       const struct in6_addr *src)
{
	(void)ds; (void)pi; (void)group; (void)src;
	return -ENOTSUP;
}

void mcast_leave(struct dstack *ds, unsigned pi, const struct in6_addr *group,
		 const struct in6_addr *src)
{
	(void)ds; (void)pi; (void)group; (void)src;
}

bool mcast_joined(const struct dstack *ds, unsigned pi, const struct in6_addr *group)
{
	(void)ds; (void)pi; (void)group;
	return false;
}

bool mcast_admits(const struct dstack *ds, unsigned pi, const struct in6_addr *group,
		  const struct in6_addr *src)
{
	(void)ds; (void)pi; (void)group; (void)src;
	return false;
}

void mcast_timers(struct dstack *ds, uint64_t now)
{
	(void)ds; (void)now;
}
