/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tests' harness, the fake clock and the stacks: see wire.h
 * (addresses and sockets: wire_sock.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/clock.h"
#include "wire.h"

/* ---- the fake clock ---- */

static uint64_t wire_ms;

static uint64_t wire_clock(void)
{
	return wire_ms;
}

void wire_step(uint64_t ms)
{
	wire_ms += ms;
}

uint64_t wire_now(void)
{
	return wire_ms;
}

/* Back on the fake clock after something that needed the real one: where
 * the real clock is now, or where the fake one was if that is later, so
 * that no timer ever sees time go back. */
static void wire_clock_resume(void)
{
	uint64_t now = clock_now_ms();

	if (now > wire_ms)
		wire_ms = now;
	clock_set_source(wire_clock);
}

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the stacks ---- */

struct rec *wire_rec(struct wire *w)
{
	if (w->nrec == WIRE_RECS)
		fail_msg("more than %d recorders in one test", WIRE_RECS);
	return &w->rec[w->nrec++];
}

int wire_open(const char *ports, struct dpg_stack **st)
{
	struct dpg_stack_config cfg = {
		.backend = "dpdk", .config_file = wire_conf.ini, .ports = ports,
	};

	*st = NULL;
	return dpg_stack_open(&cfg, st);
}

struct dpg_stack *wire_open_now(const char *ports)
{
	struct dpg_stack *st;
	int rc;

	clock_set_source(NULL);
	rc = wire_open(ports, &st);
	wire_clock_resume();
	if (rc != 0)
		fail_msg("dpg_stack_open(%s, %s): %d (%s)", wire_conf.ini,
			 ports, rc, dpg_strerror(rc));
	return st;
}

struct dpg_stack *wire_open_extra(struct wire *w, const char *ports)
{
	unsigned i;

	for (i = 0; i < WIRE_EXTRA && w->extra[i] != NULL; i++)
		;
	if (i == WIRE_EXTRA)
		fail_msg("more than %d extra stacks in one test", WIRE_EXTRA);
	w->extra[i] = wire_open_now(ports);
	return w->extra[i];
}

void wire_close_extra(struct wire *w, struct dpg_stack *st)
{
	for (unsigned i = 0; i < WIRE_EXTRA; i++)
		if (w->extra[i] == st)
			w->extra[i] = NULL;
	dpg_stack_close(st);
}

void wire_poll_one(struct dpg_stack *st)
{
	int rc;

	if (st == NULL)
		return;
	rc = dpg_poll(st, 0);
	if (rc < 0)
		fail_msg("dpg_poll: %d (%s)", rc, dpg_strerror(rc));
}

void wire_poll(struct wire *w)
{
	wire_poll_one(w->a);
	wire_poll_one(w->b);
	for (unsigned i = 0; i < WIRE_EXTRA; i++)
		wire_poll_one(w->extra[i]);
}

void wire_passes(struct wire *w, unsigned n)
{
	while (n-- > 0)
		wire_poll(w);
}

void wire_step_quiet(struct wire *w, uint64_t ms)
{
	wire_step(ms);
	wire_passes(w, WIRE_QUIET_PASSES);
}

bool wire_until(struct wire *w, bool (*pred)(void *), void *arg)
{
	int64_t deadline = real_ms() + WIRE_ARRIVE_MS;

	while (!pred(arg) && real_ms() < deadline)
		wire_poll(w);
	return pred(arg);
}

struct dpg_stats wire_stats(struct dpg_stack *st)
{
	struct dpg_stats s;
	int rc = dpg_stack_stats(st, &s);

	if (rc != 0)
		fail_msg("dpg_stack_stats: %d (%s)", rc, dpg_strerror(rc));
	return s;
}

/* A and B open, on the fake clock, with what they sent when they came up
 * (gratuitous ARP, DAD probes) already off the ring, so that tests count
 * from a quiet wire. */
static int wire_setup_steps(void **state, unsigned steps, bool with_b)
{
	struct wire *w = calloc(1, sizeof(*w));
	int rc;

	if (w == NULL)
		fail_msg("wire_setup: out of memory");
	rc = wire_open("port0", &w->a);
	if (rc == 0 && with_b) {
		rc = wire_open("port1", &w->b);
		if (rc != 0)
			dpg_stack_close(w->a);
	}
	if (rc != 0) {
		free(w);
		fail_msg("dpg_stack_open(%s): %d (%s)", wire_conf.ini, rc,
			 dpg_strerror(rc));
	}
	/* After the opens (they may wait for link on the real clock), and
	 * continuous with the real clock, so that no timer jumps. */
	wire_ms = clock_now_ms();
	clock_set_source(wire_clock);
	wire_passes(w, WIRE_QUIET_PASSES);
	while (steps-- > 0)
		wire_step_quiet(w, wire_conf.settle_ms);
	*state = w;
	return 0;
}

int wire_setup(void **state)
{
	return wire_setup_steps(state, wire_conf.settle_steps, true);
}

int wire_setup_unsettled(void **state)
{
	return wire_setup_steps(state, 0, true);
}

int wire_setup_alone(void **state)
{
	return wire_setup_steps(state, 0, false);
}

int wire_teardown(void **state)
{
	struct wire *w = *state;
	uint64_t leaks;

	/* Empty the rings first: a frame of one stack's pool waiting in the
	 * other's receive ring is in flight, not leaked. */
	wire_passes(w, WIRE_QUIET_PASSES);
	clock_set_source(NULL);
	for (unsigned i = 0; i < WIRE_EXTRA; i++)
		dpg_stack_close(w->extra[i]);
	dpg_stack_close(w->b);
	dpg_stack_close(w->a);
	free(w);
	*state = NULL;
	leaks = dpg_mbuf_leaks();
	if (leaks != 0)
		fail_msg("dpg_mbuf_leaks() is %" PRIu64 " after closing every "
			 "stack: mbufs missing from their pools", leaks);
	return 0;
}

static int wire_preflight(void)
{
	struct dpg_stack *st;
	int rc;

	if (geteuid() != 0) {
		printf("%s: needs root for a private network namespace; "
		       "skipping\n", wire_conf.name);
		return EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		printf("%s: unshare(CLONE_NEWNET): %s; skipping\n",
		       wire_conf.name, strerror(errno));
		return EXIT_SKIP;
	}
	rc = wire_open("port0", &st);
	if (rc == -ENOTSUP) {
		printf("%s: the dpdk backend is not built (%s); skipping\n",
		       wire_conf.name, dpg_strerror(rc));
		return EXIT_SKIP;
	}
	if (rc != 0) {
		fprintf(stderr, "%s: dpg_stack_open(%s, port0): %d (%s)\n",
			wire_conf.name, wire_conf.ini, rc, dpg_strerror(rc));
		return 1;
	}
	dpg_stack_close(st);
	return 0;
}

int wire_main(int (*groups)(void))
{
	int rc = wire_preflight();

	if (rc != 0)
		return rc;
	rc = groups();
	dpg_shutdown();
	return rc != 0 ? 1 : 0;
}
