/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tests' harness (wire.c, wire_sock.c), shared by test_wire
 * (IPv4) and test_wire6 (IPv6): DPDK stacks in one process joined by
 * net_ring pairs, polled alternately from the test's thread, on a fake
 * stack clock.
 *
 * Time: the neighbour and DAD timers run on the stack clock (core/clock.h),
 * which every test replaces with a fake one that moves only when the test
 * steps it, so retries and ageing are exact without sleeping. Stacks are
 * polled with timeout 0 only (a timeout would wait on that frozen clock);
 * waiting for the ring is bounded by real time instead.
 *
 * Every test opens stacks A ([port0]) and B ([port1]) fresh; teardown
 * drains the rings, closes every stack the test opened and asserts that
 * every mbuf is back in its pool (dpg_mbuf_leaks() == 0).
 */
#ifndef TESTS_WIRE_WIRE_H
#define TESTS_WIRE_WIRE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <dpgram.h>

#define EXIT_SKIP 77

/* Poll passes that empty the ring: each pass polls every stack, and a
 * frame needs one pass to be flushed and one to be received. */
#define WIRE_QUIET_PASSES 20
/* Real-time bound for something that should arrive. */
#define WIRE_ARRIVE_MS 2000

/* What each binary defines for the harness. */
struct wire_conf {
	const char *ini;        /* drivers-cfg file of the ring pairs */
	const char *name;       /* for messages: "wire", "wire6" */
	/* After opening A and B, step the fake clock this many times by
	 * settle_ms (polling after each step), so that tests start once
	 * what the stacks do when they come up (DAD) is over. 0: no steps. */
	unsigned settle_steps;
	uint64_t settle_ms;
};
extern struct wire_conf wire_conf;

/* ---- the fake clock ---- */
/* Move the stacks' time forward; their timers fire on the next poll. */
void wire_step(uint64_t ms);
uint64_t wire_now(void);

/* ---- the stacks ---- */
#define REC_MAX 64
#define WIRE_RECS 6
#define WIRE_EXTRA 2

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

/* One test's world: the stacks, and recorders that outlive every callback
 * (freed only after every stack is closed). extra[]: stacks a test opens
 * itself (wire_open_extra), closed by teardown before A and B. */
struct wire {
	struct dpg_stack *a, *b;
	struct dpg_stack *extra[WIRE_EXTRA];
	struct rec rec[WIRE_RECS];
	unsigned nrec;
};
#define WIRE(state) ((struct wire *)*(state))

struct rec *wire_rec(struct wire *w);
/* Open a stack on the [portN] sections named in ports; 0 or -errno. */
int wire_open(const char *ports, struct dpg_stack **st);
/* Open a stack in a running test: on the real clock, as opening may wait
 * for link; the fake clock then resumes, never going back. Fails the test
 * on error. */
struct dpg_stack *wire_open_now(const char *ports);
/* The same, remembered in w->extra for teardown. */
struct dpg_stack *wire_open_extra(struct wire *w, const char *ports);
/* Close a stack of w->extra (its port purges the ring pair). */
void wire_close_extra(struct wire *w, struct dpg_stack *st);

void wire_poll_one(struct dpg_stack *st);
/* One pass over every open stack; n passes. */
void wire_poll(struct wire *w);
void wire_passes(struct wire *w, unsigned n);
/* Step the fake clock by ms, then let the ring go quiet. */
void wire_step_quiet(struct wire *w, uint64_t ms);
/* Poll until pred(arg) holds or WIRE_ARRIVE_MS of real time pass. */
bool wire_until(struct wire *w, bool (*pred)(void *), void *arg);
struct dpg_stats wire_stats(struct dpg_stack *st);

/* How much a counter of struct dpg_stats grew from s0 to s1. */
#define DELTA(s1, s0, field) ((s1).field - (s0).field)
#define DROPS(s1, s0, reason) \
	((s1).drops[DPG_DROP_##reason] - (s0).drops[DPG_DROP_##reason])

int wire_setup(void **state);
/* The same without settle steps: for tests of what happens at start. */
int wire_setup_unsettled(void **state);
/* Only A ([port0]) opens, without settle steps: the other end of its ring
 * pair stays a bare wire the test reads and writes (wire_raw.h). */
int wire_setup_alone(void **state);
int wire_teardown(void **state);
/* A cmocka test on fresh stacks (wire_setup, wire_teardown); _AS: under
 * another name than its function's (the shared tests of wire_neigh.c). */
#define WIRE_TEST(fn) cmocka_unit_test_setup_teardown(fn, wire_setup, \
						      wire_teardown)
#define WIRE_TEST_AS(name, fn) { name, fn, wire_setup, wire_teardown, NULL }

/* The binary's main(): checks that it runs as root, in a network
 * namespace of its own (nothing here touches a network, but the suite's
 * rule holds), with a DPDK backend to test, else returns EXIT_SKIP
 * (opening one stack also initialises EAL and the ring ports); then runs
 * groups() (returning how many tests failed) and shuts DPDK down. Returns
 * the exit status. */
int wire_main(int (*groups)(void));

/* ---- addresses ---- */
#define SA(ss) ((const struct sockaddr *)(ss))
/* ip:port, ip IPv4 or IPv6 text (wire_addr6: with sin6_scope_id scope,
 * 0 for none). Parsed with inet_pton, not with the dpg_ip*_addr parsers
 * (tested elsewhere). */
struct sockaddr_storage wire_addr(const char *ip, uint16_t port);
struct sockaddr_storage wire_addr6(const char *ip, uint16_t port,
				   uint32_t scope);
uint16_t wire_port(struct dpg_socket *s);
/* ss is ip:port (IPv6: with sin6_scope_id scope). */
void assert_from(const struct sockaddr_storage *ss, const char *ip,
		 uint16_t port);
void assert_from6(const struct sockaddr_storage *ss, const char *ip,
		  uint16_t port, uint32_t scope);

/* ---- sockets ---- */
/* A socket of family, recording into r (NULL: no handlers), echoing every
 * datagram back if echo, bound to bind (NULL: unbound). */
struct dpg_socket *wire_socket_bound(struct dpg_stack *st, int family,
				     struct rec *r, bool echo,
				     const struct sockaddr_storage *bind);
/* Bound to ip:0, in ip's family (IPv6 text: AF_INET6, no scope); ip
 * NULL: an unbound AF_INET socket. */
struct dpg_socket *wire_socket(struct dpg_stack *st, struct rec *r, bool echo,
			       const char *ip);
void wire_send(struct dpg_socket *s, const void *buf, size_t len,
	       const struct sockaddr_storage *dst);
/* Send text (without its NUL) to dst, wait until r holds n datagrams
 * (failing the test if they do not come), then let the ring go quiet. */
void wire_deliver(struct wire *w, struct dpg_socket *s, const char *text,
		  const struct sockaddr_storage *dst, const struct rec *r,
		  unsigned n);
/* n datagrams, each its index as a uint32_t. */
void wire_send_seq(struct dpg_socket *s, const struct sockaddr_storage *dst,
		   uint32_t first, unsigned n);
/* r got exactly the numbers first.. first+n-1, in order, each from
 * ip:port (IPv6 senders with scope). */
void assert_seq6(const struct rec *r, uint32_t first, unsigned n,
		 const char *ip, uint16_t port, uint32_t scope);
void assert_seq(const struct rec *r, uint32_t first, unsigned n,
		const char *ip, uint16_t port);
bool wire_wait_count(struct wire *w, const struct rec *r, unsigned n);
/* Wait until st counted `want` drops for reason. */
bool wire_wait_drops(struct wire *w, struct dpg_stack *st, unsigned reason,
		     uint64_t want);

#endif /* TESTS_WIRE_WIRE_H */
