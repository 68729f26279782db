/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fakes the multicast unit tests drive lib/net/mcast.c and
 * mcast_timer.c with: a linear (port, group) index, output callbacks
 * that capture every record and older-version message with the time it
 * left, a deterministic random source and a fake clock stepped 1 ms at a
 * time (so that a report's time is exact, not rounded to a 10 ms tick).
 */
#ifndef TESTS_UNIT_MCAST_FAKE_H
#define TESTS_UNIT_MCAST_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "net/mcast_state.h"

#define CAP_MAX 512
#define CAP_SRC 16

struct cap_rec {
	unsigned port;
	bool v6;
	enum mc_rtype type;
	struct in6_addr group;
	unsigned nsrc;
	struct in6_addr src[CAP_SRC];
	uint64_t at;
	unsigned flush;              /* how many flushes came before */
};

struct cap_old {
	unsigned port;
	bool v6;
	enum mc_ver ver;
	bool leave;
	struct in6_addr group;
	uint64_t at;
};

struct cap {
	struct cap_rec rec[CAP_MAX];
	unsigned nrec;
	struct cap_old old[CAP_MAX];
	unsigned nold;
	unsigned flushes;
};

extern struct cap cap;
extern uint64_t fake_now;

/* The random source: a fixed value (fake_rand_fixed) makes every delay
 * 1 + value % max; otherwise a seeded LCG. */
void fake_rand_fixed(uint64_t value);
void fake_rand_seed(uint64_t seed);

/* A state with groups / sources capacity and robustness, report_ms;
 * the clock at 1000 ms, the capture empty. */
void fake_state(struct mc_state *s, unsigned groups, unsigned sources,
		unsigned robustness, unsigned report_ms);
void fake_free(struct mc_state *s);
void cap_reset(void);

/* Run the timers every 1 ms up to fake_now + ms. */
void fake_run(struct mc_state *s, uint64_t ms);

/* Addresses: "239.1.2.3" (v4-mapped) or IPv6 text. */
struct in6_addr A(const char *text);
/* Whether record r lists exactly the n sources in srcs (any order). */
bool rec_has_sources(const struct cap_rec *r, const struct in6_addr *srcs, unsigned n);
/* The records of group since capture index from, of type (0: any). */
unsigned count_recs(const struct in6_addr *group, enum mc_rtype type, unsigned from);

/* Join / leave asserting success. */
bool join(struct mc_state *s, const char *group, const char *src);
bool leave(struct mc_state *s, const char *group, const char *src);

/* A query on port 0. */
void query(struct mc_state *s, const char *group, enum mc_ver ver, uint32_t max_ms,
	   const char *const *srcs, unsigned nsrc);

#endif /* TESTS_UNIT_MCAST_FAKE_H */
