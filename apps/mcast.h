/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpgram-mcast's state, shared by its flag parser (mcast_flags.c) and its
 * main loop (dpgram-mcast.c).
 */
#ifndef APPS_MCAST_H
#define APPS_MCAST_H

#include "common.h"

/* Most datagrams one `send` run may send: a run is always bounded. */
#define MCAST_MAX_COUNT 1000000000u
#define MCAST_MAX_RATE 1000000u

/* An address flag: parsed for the checks, its text kept as given (without
 * brackets) for dpgram's calls, which take strings. */
struct mcast_addr {
	struct sockaddr_storage sa; /* port set to --port for the group */
	char text[DPG_ADDRSTRLEN];  /* "" = not given */
};

struct mcast {
	struct app app;
	bool sender;                /* the command: send (else recv) */
	bool broadcast;             /* send --broadcast: group is that address */
	struct mcast_addr group;    /* --group, or --broadcast's address */
	struct mcast_addr source;   /* recv --source */
	struct mcast_addr iface;    /* --iface */
	uint16_t port;
	uint64_t count;             /* recv: 0 = until a signal */
	unsigned rate;              /* send: datagrams per second */
	int ttl, loop;              /* send: -1 = the stack's default */

	struct app_counters n;      /* rx received, tx sent, drops failed */
	uint64_t rx_bytes;
	bool blocked;               /* -EAGAIN seen, on.drain not yet */
};

/* Fill *m from the command line (app_init included); exits 2 with a
 * message naming the flag on anything wrong, 0 after --help. */
void mcast_parse_flags(struct mcast *m, int argc, char **argv);

#endif /* APPS_MCAST_H */
