/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tests' harness: see wire.h.
 */
#include <arpa/inet.h>
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
static int wire_setup_steps(void **state, unsigned steps)
{
	struct wire *w = calloc(1, sizeof(*w));
	int rc;

	if (w == NULL)
		fail_msg("wire_setup: out of memory");
	rc = wire_open("port0", &w->a);
	if (rc == 0) {
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
	return wire_setup_steps(state, wire_conf.settle_steps);
}

int wire_setup_unsettled(void **state)
{
	return wire_setup_steps(state, 0);
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

int wire_preflight(void)
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

/* ---- addresses ---- */

struct sockaddr_storage wire_addr6(const char *ip, uint16_t port,
				   uint32_t scope)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_scope_id = scope;
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) != 1)
		fail_msg("'%s' is not an IPv6 address", ip);
	return ss;
}

struct sockaddr_storage wire_addr(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	if (strchr(ip, ':') != NULL)
		return wire_addr6(ip, port, 0);
	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1)
		fail_msg("'%s' is not an IPv4 address", ip);
	return ss;
}

uint16_t wire_port(struct dpg_socket *s)
{
	struct sockaddr_storage ss;
	int rc = dpg_address(s, &ss);

	if (rc != 0)
		fail_msg("dpg_address: %d (%s)", rc, dpg_strerror(rc));
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void assert_from6(const struct sockaddr_storage *ss, const char *ip,
		  uint16_t port, uint32_t scope)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	struct sockaddr_storage want = wire_addr6(ip, port, scope);
	const struct sockaddr_in6 *w6 = (const struct sockaddr_in6 *)&want;
	char got[INET6_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET6, &sin6->sin6_addr, got, sizeof(got));
	if (ss->ss_family != AF_INET6 ||
	    memcmp(&sin6->sin6_addr, &w6->sin6_addr, 16) != 0 ||
	    sin6->sin6_port != w6->sin6_port ||
	    sin6->sin6_scope_id != scope)
		fail_msg("from [%s%%%u]:%u (family %d), expected [%s%%%u]:%u",
			 got, (unsigned)sin6->sin6_scope_id,
			 ntohs(sin6->sin6_port), ss->ss_family, ip,
			 (unsigned)scope, port);
}

void assert_from(const struct sockaddr_storage *ss, const char *ip,
		 uint16_t port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char got[INET_ADDRSTRLEN] = "?";

	if (strchr(ip, ':') != NULL) {
		assert_from6(ss, ip, port, 0);
		return;
	}
	inet_ntop(AF_INET, &sin->sin_addr, got, sizeof(got));
	if (ss->ss_family != AF_INET || strcmp(got, ip) != 0 ||
	    ntohs(sin->sin_port) != port)
		fail_msg("from %s:%u (family %d), expected %s:%u", got,
			 ntohs(sin->sin_port), ss->ss_family, ip, port);
}

/* ---- sockets ---- */

static void rec_data(struct dpg_socket *sock, const void *buf, size_t len,
		     const struct dpg_rinfo *rinfo, void *user)
{
	struct rec *r = user;

	(void)sock;
	if (r->count < REC_MAX) {
		r->msg[r->count].len = len;
		r->msg[r->count].rinfo = *rinfo;
		memcpy(r->msg[r->count].data, buf,
		       len < sizeof(r->msg[0].data) ? len
						    : sizeof(r->msg[0].data));
	}
	r->count++;
}

static void rec_error(struct dpg_socket *sock, int err, void *user)
{
	struct rec *r = user;

	(void)sock;
	r->errors++;
	r->last_error = err;
}

/* An echo server: every datagram goes back to its sender. */
static void echo_data(struct dpg_socket *sock, const void *buf, size_t len,
		      const struct dpg_rinfo *rinfo, void *user)
{
	struct rec *r = user;
	int rc;

	rec_data(sock, buf, len, rinfo, user);
	rc = dpg_send(sock, buf, len, (const struct sockaddr *)&rinfo->from);
	if (rc != 0)
		r->errors++; /* seen by the test as an unexpected error */
}

struct dpg_socket *wire_socket_bound(struct dpg_stack *st, int family,
				     struct rec *r, bool echo,
				     const struct sockaddr_storage *bind)
{
	struct dpg_socket_opts o = { .family = family };
	struct dpg_socket *s = NULL;
	char text[DPG_ADDRSTRLEN] = "?";
	int rc;

	if (r != NULL) {
		o.on.data = echo ? echo_data : rec_data;
		o.on.error = rec_error;
		o.user = r;
	}
	rc = dpg_socket_open(st, &o, &s);
	if (rc != 0)
		fail_msg("dpg_socket_open: %d (%s)", rc, dpg_strerror(rc));
	if (bind != NULL) {
		rc = dpg_bind(s, SA(bind));
		if (rc != 0) {
			dpg_addr_format(SA(bind), text, sizeof(text));
			fail_msg("dpg_bind(%s): %d (%s)", text, rc,
				 dpg_strerror(rc));
		}
	}
	return s;
}

struct dpg_socket *wire_socket(struct dpg_stack *st, struct rec *r, bool echo,
			       const char *ip)
{
	struct sockaddr_storage ss;

	if (ip == NULL)
		return wire_socket_bound(st, AF_INET, r, echo, NULL);
	ss = wire_addr(ip, 0);
	return wire_socket_bound(st, AF_INET, r, echo, &ss);
}

void wire_send(struct dpg_socket *s, const void *buf, size_t len,
	       const struct sockaddr_storage *dst)
{
	int rc = dpg_send(s, buf, len, dst != NULL ? SA(dst) : NULL);

	if (rc != 0)
		fail_msg("dpg_send(%zu bytes): %d (%s)", len, rc,
			 dpg_strerror(rc));
}

void wire_send_seq(struct dpg_socket *s, const struct sockaddr_storage *dst,
		   uint32_t first, unsigned n)
{
	uint32_t i;

	for (i = first; i < first + n; i++)
		wire_send(s, &i, sizeof(i), dst);
}

void assert_seq6(const struct rec *r, uint32_t first, unsigned n,
		 const char *ip, uint16_t port, uint32_t scope)
{
	unsigned i;

	assert_int_equal(r->count, n);
	for (i = 0; i < n; i++) {
		uint32_t v;

		assert_int_equal(r->msg[i].len, sizeof(v));
		memcpy(&v, r->msg[i].data, sizeof(v));
		assert_int_equal(v, first + i);
		if (strchr(ip, ':') != NULL)
			assert_from6(&r->msg[i].rinfo.from, ip, port, scope);
		else
			assert_from(&r->msg[i].rinfo.from, ip, port);
	}
}

void assert_seq(const struct rec *r, uint32_t first, unsigned n,
		const char *ip, uint16_t port)
{
	assert_seq6(r, first, n, ip, port, 0);
}

struct count_arg {
	const struct rec *r;
	unsigned n;
};

static bool count_reached(void *p)
{
	const struct count_arg *a = p;

	return a->r->count >= a->n;
}

bool wire_wait_count(struct wire *w, const struct rec *r, unsigned n)
{
	struct count_arg a = { r, n };

	return wire_until(w, count_reached, &a);
}

struct drop_arg {
	struct dpg_stack *st;
	unsigned reason;
	uint64_t want;
};

static bool drop_reached(void *p)
{
	const struct drop_arg *a = p;

	return wire_stats(a->st).drops[a->reason] >= a->want;
}

bool wire_wait_drops(struct wire *w, struct dpg_stack *st, unsigned reason,
		     uint64_t want)
{
	struct drop_arg d = { st, reason, want };

	return wire_until(w, drop_reached, &d);
}
