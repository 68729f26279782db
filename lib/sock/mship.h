/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Per-socket multicast membership set. dpgram keeps its own record so that a
 * second join is -EADDRINUSE and a drop without a join is -EADDRNOTAVAIL on
 * every backend, whatever the kernel would say, and so that a backend without
 * a kernel (DPDK) has the state to filter on.
 */
#ifndef SOCK_MSHIP_H
#define SOCK_MSHIP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct mship {
	struct sockaddr_storage group;
	struct sockaddr_storage source; /* valid when has_source */
	unsigned ifindex;               /* 0: the stack chose */
	bool has_source;
};

struct mship_set {
	struct mship *v;
	unsigned n, cap;
};

/* Index of the entry equal to key (group, source, ifindex), or -1.
 * any_if: when key->ifindex is 0, match the first entry on any interface. */
int mship_find(const struct mship_set *set, const struct mship *key, bool any_if);
/* Whether (group, ifindex) is joined any-source / has source entries. */
bool mship_has_asm(const struct mship_set *set, const struct mship *key);
bool mship_has_ssm(const struct mship_set *set, const struct mship *key);
/* Append a copy of m. 0 or -ENOMEM. */
int mship_add(struct mship_set *set, const struct mship *m);
void mship_remove(struct mship_set *set, unsigned idx);
void mship_free(struct mship_set *set);

#endif /* SOCK_MSHIP_H */
