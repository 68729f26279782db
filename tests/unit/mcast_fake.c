/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fakes for the multicast unit tests (mcast_fake.h).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mcast_fake.h"

struct cap cap;
uint64_t fake_now;

/* ---- random ---- */

static bool rand_fixed;
static uint64_t rand_value;

void fake_rand_fixed(uint64_t value)
{
	rand_fixed = true;
	rand_value = value;
}

void fake_rand_seed(uint64_t seed)
{
	rand_fixed = false;
	rand_value = seed;
}

static uint64_t fake_rand(void)
{
	if (rand_fixed)
		return rand_value;
	rand_value = rand_value * 6364136223846793005ull + 1442695040888963407ull;
	return rand_value >> 33;
}

/* ---- the index: a linear table ---- */

#define IX_MAX 64

static struct {
	bool used;
	unsigned port;
	struct in6_addr group;
} ix[IX_MAX];

static int ix_find(void *ctx, unsigned port, const struct in6_addr *group)
{
	(void)ctx;
	for (int i = 0; i < IX_MAX; i++)
		if (ix[i].used && ix[i].port == port && memcmp(&ix[i].group, group, 16) == 0)
			return i;
	return -1;
}

static int ix_add(void *ctx, unsigned port, const struct in6_addr *group)
{
	(void)ctx;
	for (int i = 0; i < IX_MAX; i++) {
		if (!ix[i].used) {
			ix[i].used = true;
			ix[i].port = port;
			ix[i].group = *group;
			return i;
		}
	}
	return -1;
}

static void ix_del(void *ctx, unsigned port, const struct in6_addr *group)
{
	int i = ix_find(ctx, port, group);

	assert_true(i >= 0);
	ix[i].used = false;
}

static const struct mc_index_ops index_ops = { ix_find, ix_add, ix_del };

/* ---- output ---- */

static void out_record(void *ctx, unsigned port, bool v6, enum mc_rtype type,
		       const struct in6_addr *group, const struct in6_addr *src, unsigned nsrc)
{
	struct cap_rec *r = &cap.rec[cap.nrec++];

	(void)ctx;
	assert_true(cap.nrec < CAP_MAX);
	assert_true(nsrc <= CAP_SRC);
	*r = (struct cap_rec){ .port = port, .v6 = v6, .type = type, .group = *group,
			       .nsrc = nsrc, .at = fake_now, .flush = cap.flushes };
	memcpy(r->src, src, nsrc * sizeof(*src));
}

static void out_old(void *ctx, unsigned port, bool v6, enum mc_ver ver, bool leave,
		    const struct in6_addr *group)
{
	(void)ctx;
	assert_true(cap.nold < CAP_MAX - 1);
	cap.old[cap.nold++] = (struct cap_old){ .port = port, .v6 = v6, .ver = ver,
						.leave = leave, .group = *group, .at = fake_now };
}

static void out_flush(void *ctx)
{
	(void)ctx;
	cap.flushes++;
}

static const struct mc_out_ops out_ops = { out_record, out_old, out_flush };

/* ---- state ---- */

void cap_reset(void)
{
	memset(&cap, 0, sizeof(cap));
}

void fake_state(struct mc_state *s, unsigned groups, unsigned sources,
		unsigned robustness, unsigned report_ms)
{
	struct mc_params prm = {
		.groups = groups, .sources = sources, .slots = IX_MAX,
		.robustness = robustness, .report_ms = report_ms, .rand = fake_rand,
		.index = &index_ops, .out = &out_ops,
	};

	memset(ix, 0, sizeof(ix));
	cap_reset();
	fake_now = 1000;
	fake_rand_seed(1);
	assert_int_equal(mc_init(s, &prm), 0);
}

void fake_free(struct mc_state *s)
{
	mc_fini(s);
}

void fake_run(struct mc_state *s, uint64_t ms)
{
	for (uint64_t end = fake_now + ms; fake_now < end;) {
		fake_now++;
		mc_timers(s, fake_now);
	}
}

/* ---- helpers ---- */

struct in6_addr A(const char *text)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	if (strchr(text, ':') != NULL) {
		assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	} else {
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		assert_int_equal(inet_pton(AF_INET, text, &a.s6_addr[12]), 1);
	}
	return a;
}

bool rec_has_sources(const struct cap_rec *r, const struct in6_addr *srcs, unsigned n)
{
	if (r->nsrc != n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		bool found = false;

		for (unsigned k = 0; k < r->nsrc && !found; k++)
			found = memcmp(&r->src[k], &srcs[i], 16) == 0;
		if (!found)
			return false;
	}
	return true;
}

unsigned count_recs(const struct in6_addr *group, enum mc_rtype type, unsigned from)
{
	unsigned n = 0;

	for (unsigned i = from; i < cap.nrec; i++)
		if (memcmp(&cap.rec[i].group, group, 16) == 0 &&
		    (type == 0 || cap.rec[i].type == type))
			n++;
	return n;
}

bool join(struct mc_state *s, const char *group, const char *src)
{
	struct in6_addr g = A(group), a;
	bool first = false;

	if (src != NULL)
		a = A(src);
	assert_int_equal(mc_join(s, 0, &g, src != NULL ? &a : NULL, fake_now, &first), 0);
	mc_timers(s, fake_now);
	return first;
}

bool leave(struct mc_state *s, const char *group, const char *src)
{
	struct in6_addr g = A(group), a;
	bool last = false;

	if (src != NULL)
		a = A(src);
	assert_int_equal(mc_leave(s, 0, &g, src != NULL ? &a : NULL, fake_now, false, &last),
			 0);
	mc_timers(s, fake_now);
	return last;
}

void query(struct mc_state *s, const char *group, enum mc_ver ver, uint32_t max_ms,
	   const char *const *srcs, unsigned nsrc)
{
	static uint8_t raw[CAP_SRC * 16];
	struct mc_query q = { .ver = ver, .max_resp_ms = max_ms, .src = raw, .nsrc = nsrc };

	struct in6_addr any4 = A("0.0.0.0");

	q.group = group != NULL ? A(group) : any4;
	q.v6 = group != NULL && strchr(group, ':') != NULL;
	q.general = IN6_IS_ADDR_UNSPECIFIED(&q.group) || memcmp(&q.group, &any4, 16) == 0;
	for (unsigned i = 0; i < nsrc; i++) {
		struct in6_addr a = A(srcs[i]);

		if (q.v6)
			memcpy(raw + 16 * i, &a, 16);
		else
			memcpy(raw + 4 * i, &a.s6_addr[12], 4);
	}
	mc_query(s, 0, &q, fake_now);
}
