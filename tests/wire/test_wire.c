/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Wire tests: two DPDK stacks in one process joined by a net_ring pair
 * (wire.ini), polled alternately from this thread. Stack A owns
 * 198.18.0.2/24 on port0 (gateway 198.18.0.1); stack B owns 198.18.0.1/24
 * on port1. Ethernet crosses the ring: ARP resolution, unicast both ways,
 * the neighbour hold queue, a neighbour that never answers, ageing,
 * routing through the gateway, and a stack closing with frames in flight.
 *
 * Time: the neighbour timers run on the stack clock (core/clock.h), which
 * each test replaces with a fake one that moves only when the test steps
 * it, so retries and ageing are exact without sleeping. Stacks are polled
 * with timeout 0 only (a timeout would wait on that frozen clock); waiting
 * for the ring is bounded by real time instead.
 *
 * Every test opens both stacks fresh; teardown drains the ring, closes both
 * and asserts that every mbuf is back in its pool (dpg_mbuf_leaks() == 0).
 *
 * The binary enters a network namespace of its own (nothing here touches a
 * network, but the suite's rule holds), so it needs root: exit 77 without.
 * It also exits 77 when the DPDK backend is not built (-ENOTSUP).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <dpgram.h>

#include "core/clock.h"

#define EXIT_SKIP 77

#define A_IP "198.18.0.2"
#define B_IP "198.18.0.1"
#define NOBODY_IP "198.18.0.77"  /* on the link, nobody answers for it */
#define FAR_IP "198.19.0.5"      /* off the link: A routes it to B */

/* wire.ini's [neigh] section. */
#define WIRE_REACHABLE_MS 1000
#define WIRE_RETRANS_MS 100
#define WIRE_RETRIES 3
#define WIRE_HOLD 4

/* Poll passes that empty the ring: each pass polls A then B, and a frame
 * needs one pass to be flushed and one to be received. */
#define WIRE_QUIET_PASSES 20
/* Real-time bound for something that should arrive. */
#define WIRE_ARRIVE_MS 2000

/* ---- the fake clock ---- */

static uint64_t wire_ms;

static uint64_t wire_clock(void)
{
	return wire_ms;
}

/* Move the stacks' time forward; their timers fire on the next poll. */
static void wire_step(uint64_t ms)
{
	wire_ms += ms;
}

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the two stacks ---- */

#define REC_MAX 64

/* What a socket received and the errors it was told about. */
struct rec {
	unsigned count;
	unsigned errors;
	int last_error;
	struct {
		size_t len;
		struct dpg_rinfo rinfo;
		unsigned char data[64];
	} msg[REC_MAX];
};

#define WIRE_RECS 6

/* One test's world: the stacks, and recorders that outlive every callback
 * (freed only after both stacks are closed). */
struct wire {
	struct dpg_stack *a, *b;
	struct rec rec[WIRE_RECS];
	unsigned nrec;
};

static struct rec *wire_rec(struct wire *w)
{
	if (w->nrec == WIRE_RECS)
		fail_msg("more than %d recorders in one test", WIRE_RECS);
	return &w->rec[w->nrec++];
}

static int wire_open(const char *ports, struct dpg_stack **st)
{
	struct dpg_stack_config cfg = {
		.backend = "dpdk", .config_file = WIRE_INI, .ports = ports,
	};

	*st = NULL;
	return dpg_stack_open(&cfg, st);
}

static void wire_poll(struct wire *w)
{
	int rc = dpg_poll(w->a, 0);

	if (rc < 0)
		fail_msg("dpg_poll(A): %d (%s)", rc, dpg_strerror(rc));
	rc = dpg_poll(w->b, 0);
	if (rc < 0)
		fail_msg("dpg_poll(B): %d (%s)", rc, dpg_strerror(rc));
}

static void wire_passes(struct wire *w, unsigned n)
{
	while (n-- > 0)
		wire_poll(w);
}

/* Poll both until pred(arg) holds or WIRE_ARRIVE_MS of real time pass. */
static bool wire_until(struct wire *w, bool (*pred)(void *), void *arg)
{
	int64_t deadline = real_ms() + WIRE_ARRIVE_MS;

	while (!pred(arg) && real_ms() < deadline)
		wire_poll(w);
	return pred(arg);
}

static struct dpg_stats wire_stats(struct dpg_stack *st)
{
	struct dpg_stats s;
	int rc = dpg_stack_stats(st, &s);

	if (rc != 0)
		fail_msg("dpg_stack_stats: %d (%s)", rc, dpg_strerror(rc));
	return s;
}

/* Both stacks open, on the fake clock, with what they sent when they came
 * up (gratuitous ARP) already off the ring, so that tests count from a
 * quiet wire. */
static int wire_setup(void **state)
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
		fail_msg("dpg_stack_open(%s): %d (%s)", WIRE_INI, rc,
			 dpg_strerror(rc));
	}
	/* After the opens (they may wait for link on the real clock), and
	 * continuous with the real clock, so that no timer jumps. */
	wire_ms = clock_now_ms();
	clock_set_source(wire_clock);
	wire_passes(w, WIRE_QUIET_PASSES);
	*state = w;
	return 0;
}

static int wire_teardown(void **state)
{
	struct wire *w = *state;
	uint64_t leaks;

	/* Empty the ring first: a frame of one stack's pool waiting in the
	 * other's receive ring is in flight, not leaked. */
	if (w->a != NULL && w->b != NULL)
		wire_passes(w, WIRE_QUIET_PASSES);
	clock_set_source(NULL);
	dpg_stack_close(w->b);
	dpg_stack_close(w->a);
	free(w);
	*state = NULL;
	leaks = dpg_mbuf_leaks();
	if (leaks != 0)
		fail_msg("dpg_mbuf_leaks() is %" PRIu64 " after closing both "
			 "stacks: mbufs missing from their pools", leaks);
	return 0;
}

#define WIRE(state) ((struct wire *)*(state))

/* ---- addresses ---- */

static struct sockaddr_in wire_sin(const char *ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		fail_msg("'%s' is not an IPv4 address", ip);
	return sin;
}

#define SA(sin) ((const struct sockaddr *)(sin))

static uint16_t wire_port(struct dpg_socket *s)
{
	struct sockaddr_storage ss;
	int rc = dpg_address(s, &ss);

	if (rc != 0)
		fail_msg("dpg_address: %d (%s)", rc, dpg_strerror(rc));
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void assert_from(const struct sockaddr_storage *ss, const char *ip,
			uint16_t port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char got[INET_ADDRSTRLEN] = "?";

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

static struct dpg_socket *wire_socket(struct dpg_stack *st, struct rec *r,
				      bool echo, const char *ip)
{
	struct dpg_socket_opts o = { .family = AF_INET };
	struct dpg_socket *s = NULL;
	struct sockaddr_in sin;
	int rc;

	if (r != NULL) {
		o.on.data = echo ? echo_data : rec_data;
		o.on.error = rec_error;
		o.user = r;
	}
	rc = dpg_socket_open(st, &o, &s);
	if (rc != 0)
		fail_msg("dpg_socket_open: %d (%s)", rc, dpg_strerror(rc));
	if (ip != NULL) {
		sin = wire_sin(ip, 0);
		rc = dpg_bind(s, SA(&sin));
		if (rc != 0)
			fail_msg("dpg_bind(%s): %d (%s)", ip, rc,
				 dpg_strerror(rc));
	}
	return s;
}

static void wire_send(struct dpg_socket *s, const void *buf, size_t len,
		      const struct sockaddr_in *dst)
{
	int rc = dpg_send(s, buf, len, dst != NULL ? SA(dst) : NULL);

	if (rc != 0)
		fail_msg("dpg_send(%zu bytes): %d (%s)", len, rc,
			 dpg_strerror(rc));
}

/* n datagrams, each its index as a uint32_t. */
static void wire_send_seq(struct dpg_socket *s, const struct sockaddr_in *dst,
			  uint32_t first, unsigned n)
{
	uint32_t i;

	for (i = first; i < first + n; i++)
		wire_send(s, &i, sizeof(i), dst);
}

/* r got exactly the numbers first.. first+n-1, in order, each from ip:port. */
static void assert_seq(const struct rec *r, uint32_t first, unsigned n,
		       const char *ip, uint16_t port)
{
	unsigned i;

	assert_int_equal(r->count, n);
	for (i = 0; i < n; i++) {
		uint32_t v;

		assert_int_equal(r->msg[i].len, sizeof(v));
		memcpy(&v, r->msg[i].data, sizeof(v));
		assert_int_equal(v, first + i);
		assert_from(&r->msg[i].rinfo.from, ip, port);
	}
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

static bool wire_wait_count(struct wire *w, const struct rec *r, unsigned n)
{
	struct count_arg a = { r, n };

	return wire_until(w, count_reached, &a);
}

/* ---- tests ---- */

/* A's first datagram to B waits for ARP: A asks once, B answers once, and
 * B, having learnt A from the request (RFC 826), asks nothing. Once
 * resolved, later datagrams go straight out. */
static void wire_arp_resolution(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_in dst = wire_sin(B_IP, wire_port(rx));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	wire_send(tx, "over the wire", 13, &dst);
	assert_true(wire_wait_count(w, rb, 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(rb->count, 1);
	assert_int_equal(rb->msg[0].len, 13);
	assert_int_equal(rb->msg[0].rinfo.size, 13);
	assert_memory_equal(rb->msg[0].data, "over the wire", 13);
	assert_from(&rb->msg[0].rinfo.from, A_IP, wire_port(tx));
	assert_int_not_equal(rb->msg[0].rinfo.ifindex, 0);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 1);
	assert_int_equal(b1.arp_requests - b0.arp_requests, 0);
	assert_int_equal(a1.arp_replies - a0.arp_replies, 0);
	assert_int_equal(a1.tx_packets - a0.tx_packets, 1);
	assert_int_equal(a1.tx_bytes - a0.tx_bytes, 13);
	assert_int_equal(b1.rx_packets - b0.rx_packets, 1);
	assert_int_equal(b1.rx_bytes - b0.rx_bytes, 13);

	/* Resolved: the second datagram needs no ARP. */
	wire_send(tx, "again", 5, &dst);
	assert_true(wire_wait_count(w, rb, 2));
	assert_memory_equal(rb->msg[1].data, "again", 5);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);
	assert_int_equal(wire_stats(w->b).arp_replies - b0.arp_replies, 1);
}

/* Echo servers on both stacks; each side's client sends 8 numbered
 * datagrams and gets all 8 back, in order, from the server's address. One
 * ARP exchange serves both directions. */
static void wire_unicast_both_ways(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *ea = wire_rec(w);
	struct rec *eb = wire_rec(w);
	struct rec *ca = wire_rec(w);
	struct rec *cb = wire_rec(w);
	struct dpg_socket *echo_a = wire_socket(w->a, ea, true, A_IP);
	struct dpg_socket *echo_b = wire_socket(w->b, eb, true, B_IP);
	struct dpg_socket *cli_a = wire_socket(w->a, ca, false, A_IP);
	struct dpg_socket *cli_b = wire_socket(w->b, cb, false, B_IP);
	struct sockaddr_in to_b = wire_sin(B_IP, wire_port(echo_b));
	struct sockaddr_in to_a = wire_sin(A_IP, wire_port(echo_a));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	/* The first one alone: until B is resolved, A holds only
	 * WIRE_HOLD datagrams (wire_hold_queue_overflow). */
	wire_send_seq(cli_a, &to_b, 0, 1);
	assert_true(wire_wait_count(w, ca, 1));
	wire_send_seq(cli_a, &to_b, 1, 7);
	assert_true(wire_wait_count(w, ca, 8));
	wire_send_seq(cli_b, &to_a, 100, 8);
	assert_true(wire_wait_count(w, cb, 8));
	wire_passes(w, WIRE_QUIET_PASSES);

	assert_seq(eb, 0, 8, A_IP, wire_port(cli_a));
	assert_seq(ca, 0, 8, B_IP, wire_port(echo_b));
	assert_seq(ea, 100, 8, B_IP, wire_port(cli_b));
	assert_seq(cb, 100, 8, A_IP, wire_port(echo_a));
	assert_int_equal(ea->errors + eb->errors + ca->errors + cb->errors, 0);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(a1.tx_packets - a0.tx_packets, 16);
	assert_int_equal(b1.tx_packets - b0.tx_packets, 16);
	assert_int_equal(a1.rx_packets - a0.rx_packets, 16);
	assert_int_equal(b1.rx_packets - b0.rx_packets, 16);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
	assert_int_equal(b1.arp_requests - b0.arp_requests, 0);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 1);
}

/* More datagrams than [neigh] hold for an unresolved neighbour: all sends
 * are accepted, the ones beyond the hold queue are dropped at once
 * (arp_hold_full), and the held ones arrive, in order, once B answers. */
static void wire_hold_queue_overflow(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_in dst = wire_sin(B_IP, wire_port(rx));
	struct dpg_stats a0 = wire_stats(w->a), a1;

	/* No poll in between: B has not answered yet. */
	wire_send_seq(tx, &dst, 0, WIRE_HOLD + 3);
	a1 = wire_stats(w->a);
	assert_int_equal(a1.tx_packets - a0.tx_packets, WIRE_HOLD + 3);
	assert_int_equal(a1.drops[DPG_DROP_arp_hold_full] -
			 a0.drops[DPG_DROP_arp_hold_full], 3);

	assert_true(wire_wait_count(w, rb, WIRE_HOLD));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_seq(rb, 0, WIRE_HOLD, A_IP, wire_port(tx));
	a1 = wire_stats(w->a);
	assert_int_equal(a1.drops[DPG_DROP_arp_hold_full] -
			 a0.drops[DPG_DROP_arp_hold_full], 3);
	assert_int_equal(a1.drops[DPG_DROP_arp_unresolved] -
			 a0.drops[DPG_DROP_arp_unresolved], 0);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
}

/* Nobody answers for NOBODY_IP: A asks [neigh] retries times, retrans_ms
 * apart on the fake clock, then drops what it held (arp_unresolved) and
 * tells the connected sender: one on.error(-EHOSTUNREACH). The unconnected
 * sender hears nothing. The requests crossed the wire: B dropped each as
 * not for it. The next send starts a new resolution. */
static void wire_unresolved_neighbour(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rconn = wire_rec(w);
	struct rec *ru = wire_rec(w);
	struct dpg_socket *conn = wire_socket(w->a, rconn, false, A_IP);
	struct dpg_socket *unconn = wire_socket(w->a, ru, false, A_IP);
	struct sockaddr_in nobody = wire_sin(NOBODY_IP, 9);
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;
	unsigned i;

	assert_int_equal(dpg_connect(conn, SA(&nobody)), 0);
	wire_send(conn, "c1", 2, NULL);
	wire_send(conn, "c2", 2, NULL);
	wire_send(unconn, "u1", 2, &nobody);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);

	/* Each retransmission is due retrans_ms after the previous one. */
	for (i = 2; i <= WIRE_RETRIES; i++) {
		wire_step(WIRE_RETRANS_MS + 1);
		wire_passes(w, WIRE_QUIET_PASSES);
		assert_int_equal(wire_stats(w->a).arp_requests -
				 a0.arp_requests, i);
	}
	a1 = wire_stats(w->a);
	assert_int_equal(a1.drops[DPG_DROP_arp_unresolved] -
			 a0.drops[DPG_DROP_arp_unresolved], 0);
	assert_int_equal(rconn->errors, 0);

	/* The last request goes unanswered too: give up. */
	wire_step(WIRE_RETRANS_MS + 1);
	wire_passes(w, WIRE_QUIET_PASSES);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(a1.drops[DPG_DROP_arp_unresolved] -
			 a0.drops[DPG_DROP_arp_unresolved], 3);
	assert_int_equal(a1.arp_requests - a0.arp_requests, WIRE_RETRIES);
	assert_int_equal(rconn->errors, 1);
	assert_int_equal(rconn->last_error, -EHOSTUNREACH);
	assert_int_equal(ru->errors, 0);
	assert_int_equal(rconn->count + ru->count, 0);
	assert_int_equal(b1.drops[DPG_DROP_arp_not_for_us] -
			 b0.drops[DPG_DROP_arp_not_for_us], WIRE_RETRIES);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 0);

	/* Reported once; the socket stays usable and starts over. */
	wire_step(WIRE_RETRANS_MS + 1);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(rconn->errors, 1);
	wire_send(conn, "c3", 2, NULL);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests,
			 WIRE_RETRIES + 1);
}

/* A resolved neighbour goes stale once reachable_ms passes without
 * confirmation. Ageing alone sends nothing; the next datagram still goes
 * out at once (to the address known) and triggers one new request, whose
 * answer makes the neighbour reachable again (RFC 1122 §2.3.2.1). */
static void wire_neighbour_ageing(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_in dst = wire_sin(B_IP, wire_port(rx));
	struct dpg_stats a0, b0;

	wire_send(tx, "1", 1, &dst);
	assert_true(wire_wait_count(w, rb, 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	a0 = wire_stats(w->a);
	b0 = wire_stats(w->b);

	/* Within reachable_ms: no request. */
	wire_step(WIRE_REACHABLE_MS / 2);
	wire_send(tx, "2", 1, &dst);
	assert_true(wire_wait_count(w, rb, 2));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 0);

	/* Past it: stale, but quiet until there is traffic. */
	wire_step(WIRE_REACHABLE_MS + 1);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 0);

	wire_send(tx, "3", 1, &dst);
	assert_true(wire_wait_count(w, rb, 3));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_memory_equal(rb->msg[2].data, "3", 1);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);
	assert_int_equal(wire_stats(w->b).arp_replies - b0.arp_replies, 1);

	/* Confirmed by the answer: reachable again, no further request. */
	wire_send(tx, "4", 1, &dst);
	assert_true(wire_wait_count(w, rb, 4));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(rb->count, 4);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);
	assert_int_equal(wire_stats(w->a).drops[DPG_DROP_arp_unresolved], 0);
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

/* Off the link, A sends through its gateway: it resolves B (the gateway),
 * not the destination, and the frame reaches B's MAC address, where IP
 * finds it is not for B (ip4_not_for_us, not eth_not_for_us). B has no
 * gateway: for B the same destination is unreachable. */
static void wire_gateway_routing(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *btx = wire_socket(w->b, NULL, false, B_IP);
	struct sockaddr_in far = wire_sin(FAR_IP, 9);
	struct sockaddr_in to_b = wire_sin(B_IP, wire_port(rx));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct drop_arg d = { w->b, DPG_DROP_ip4_not_for_us,
			      b0.drops[DPG_DROP_ip4_not_for_us] + 1 };
	struct dpg_stats a1, b1;

	wire_send(tx, "via gw", 6, &far);
	assert_true(wire_until(w, drop_reached, &d));
	wire_passes(w, WIRE_QUIET_PASSES);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(b1.drops[DPG_DROP_ip4_not_for_us] -
			 b0.drops[DPG_DROP_ip4_not_for_us], 1);
	assert_int_equal(b1.drops[DPG_DROP_eth_not_for_us] -
			 b0.drops[DPG_DROP_eth_not_for_us], 0);
	assert_int_equal(b1.rx_packets - b0.rx_packets, 0);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 1);

	/* The request was for the gateway: B itself is now resolved. */
	wire_send(tx, "direct", 6, &to_b);
	assert_true(wire_wait_count(w, rb, 1));
	assert_memory_equal(rb->msg[0].data, "direct", 6);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);

	assert_int_equal(dpg_send(btx, "x", 1, SA(&far)), -ENETUNREACH);
}

/* A closes while its frames wait in B's receive ring (B never polled):
 * closing takes them back, so A's pool is whole at once and B receives
 * none of them later (they would be freed into a pool that is gone). The
 * port outlives the stack: a new A talks to B as before. */
static void wire_close_with_frames_in_flight(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_in dst = wire_sin(B_IP, wire_port(rx));
	unsigned i;
	int rc;

	wire_send(tx, "resolve", 7, &dst);
	assert_true(wire_wait_count(w, rb, 1));
	wire_send_seq(tx, &dst, 0, 10);
	assert_true(dpg_poll(w->a, 0) >= 0); /* onto the ring, not read */
	dpg_stack_close(w->a);
	w->a = NULL;
	assert_int_equal(dpg_mbuf_leaks(), 0);
	for (i = 0; i < WIRE_QUIET_PASSES; i++)
		assert_true(dpg_poll(w->b, 0) >= 0);
	assert_int_equal(rb->count, 1);

	clock_set_source(NULL); /* opening may wait on the real clock */
	rc = wire_open("port0", &w->a);
	if (rc != 0)
		fail_msg("reopening A: %d (%s)", rc, dpg_strerror(rc));
	wire_ms = clock_now_ms();
	clock_set_source(wire_clock);
	tx = wire_socket(w->a, NULL, false, A_IP);
	wire_send(tx, "again", 5, &dst);
	assert_true(wire_wait_count(w, rb, 2));
	assert_memory_equal(rb->msg[1].data, "again", 5);
}

static const struct CMUnitTest wire_tests[] = {
	cmocka_unit_test_setup_teardown(wire_arp_resolution, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_unicast_both_ways, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_hold_queue_overflow, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_unresolved_neighbour, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_neighbour_ageing, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_gateway_routing, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_close_with_frames_in_flight,
					wire_setup, wire_teardown),
};

/* Root and a namespace of our own, and a DPDK backend to test: else skip.
 * Opening one stack also initialises EAL and both ring ports. */
static int wire_preflight(void)
{
	struct dpg_stack *st;
	int rc;

	if (geteuid() != 0) {
		printf("wire: needs root for a private network namespace; "
		       "skipping\n");
		return EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		printf("wire: unshare(CLONE_NEWNET): %s; skipping\n",
		       strerror(errno));
		return EXIT_SKIP;
	}
	rc = wire_open("port0", &st);
	if (rc == -ENOTSUP) {
		printf("wire: the dpdk backend is not built (%s); skipping\n",
		       dpg_strerror(rc));
		return EXIT_SKIP;
	}
	if (rc != 0) {
		fprintf(stderr, "wire: dpg_stack_open(%s, port0): %d (%s)\n",
			WIRE_INI, rc, dpg_strerror(rc));
		return 1;
	}
	dpg_stack_close(st);
	return 0;
}

int main(void)
{
	int rc = wire_preflight();

	if (rc != 0)
		return rc;
	rc = cmocka_run_group_tests_name("wire", wire_tests, NULL, NULL);
	dpg_shutdown();
	return rc != 0 ? 1 : 0;
}
