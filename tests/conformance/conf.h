/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The conformance suite's shared harness. Tests are written once against
 * dpgram.h and run once per backend listed in conf_backends[] (main.c):
 * adding a backend is one line there.
 *
 * The network: before each backend's run, main() puts the whole test
 * process into a fresh private network namespace (unshare(CLONE_NEWNET),
 * needs root; without root the suite exits 77 and says why). For the kernel
 * backend it creates:
 *   lo                       127.0.0.1, ::1
 *   dpgc0 <-veth-> dpgc0p    dpgc0: 198.18.0.2/24, fd00:dc::2/64 (the stack's
 *                            own addresses); dpgc0p: 198.18.0.1/24,
 *                            fd00:dc::1/64 (the "kernel peer")
 *   dpgc1 <-veth-> dpgc1p    dpgc1: 198.18.1.2/24, fd00:dc:1::2/64 (a second
 *                            interface, for multicast-interface tests)
 *   198.18.0.3 / fd00:dc::3  a permanent neighbour on dpgc0 that nobody
 *                            answers: a sink; dpgc0 has a slow tbf qdisc so
 *                            sends to the sink meet backpressure
 *   224.0.0.0/4 routed via dpgc0, so joins without an interface use dpgc0;
 *   accept_local on dpgc0, so that a group datagram the peer sends out of
 *   dpgc0p (a local address) is not dropped as martian on dpgc0.
 * The dpdk backend's namespace (the same addresses, other interfaces): its
 * stack owns 198.18.0.2/24 and fd00:dc::2/64 on a net_tap port
 * (tests/conformance/dpdk.ini, [port0]) whose kernel side, dpg0, holds the
 * kernel peer 198.18.0.1/24 and fd00:dc::1/64, and 198.18.1.2/24 and
 * fd00:dc:1::2/64 on a second net_tap port ([port2]) whose kernel side is
 * dpgc1; the sink is the peer itself (a small send buffer gives backpressure
 * there), nothing is routed beyond the /24s, and groups without an interface
 * use the stack's default port (its first with an address: port0).
 * Only 198.18.0.0/15 and fd00::/8 are used, and nothing leaves the namespace.
 */
#ifndef CONF_H
#define CONF_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dpgram.h>

/* Capabilities a backend may not have yet. A test that needs one starts with
 * conf_require(); on a backend without it the test is skipped and says which
 * issue brings it. The kernel backend has them all. */
enum conf_cap_bit {
	CONF_CAPB_IPV6,        /* IPv6 sockets, addresses and traffic */
	CONF_CAPB_MCAST,       /* multicast: joins, interfaces, group traffic */
	CONF_CAPB_BCAST,       /* broadcast: directed and limited */
	CONF_CAPB_FRAG,        /* datagrams larger than the link MTU on the wire */
	CONF_NCAPS
};
#define CONF_CAP_IPV6 (1u << CONF_CAPB_IPV6)
#define CONF_CAP_MCAST (1u << CONF_CAPB_MCAST)
#define CONF_CAP_BCAST (1u << CONF_CAPB_BCAST)
#define CONF_CAP_FRAG (1u << CONF_CAPB_FRAG)
#define CONF_CAP_ALL ((1u << CONF_NCAPS) - 1)

/* One backend under test and the addresses its stack owns / reaches. */
struct conf_env {
	const char *name;              /* "kernel", "dpdk" */
	unsigned caps;                 /* CONF_CAP_* it has */
	const char *cap_todo[CONF_NCAPS]; /* for each cap it lacks: where it
	                                   * comes ("issue 4"), for the skip
	                                   * message */
	/* Builds the backend's network in the fresh namespace main() made for
	 * its run (main.c); returns 0, 77 to skip the run, or another exit
	 * status to fail it. */
	int (*network)(const struct conf_env *env);
	/* Called by conf_setup after it opened the test's stack, to redo what
	 * opening it undid on the kernel side (NULL: nothing to redo). */
	void (*stack_opened)(const struct conf_env *env);
	struct dpg_stack_config cfg;   /* how to open its stacks */
	struct dpg_stack_config cfg2;  /* a second stack open beside the first
	                                * (dpdk: its own port); backend NULL:
	                                * the same as cfg */
	const char *own4, *own6;       /* "198.18.0.2", "fd00:dc::2" */
	const char *peer4, *peer6;     /* kernel peer: "198.18.0.1", "fd00:dc::1" */
	const char *sink4, *sink6;     /* backpressure sink: 198.18.0.3, fd00:dc::3 */
	const char *not_owned4, *not_owned6; /* "198.18.0.99", "fd00:dc::99" */
	const char *bcast4;            /* directed broadcast: "198.18.0.255" */
	const char *ifname;            /* "dpgc0" */
	const char *other_own4, *other_own6; /* "198.18.1.2", "fd00:dc:1::2" */
	const char *other_ifname;      /* "dpgc1" */
	/* Added: addresses with no route (NULL when the backend's config has
	 * a default route): "198.19.255.1", "fd00:ff::1". */
	const char *unrouted4, *unrouted6;
};

/* The environment of the backend being run (set by main before each run). */
extern const struct conf_env *conf_env;

/* Per-test fixture: a fresh stack. conf_setup/conf_teardown are the cmocka
 * group-per-test setup/teardown every test uses; teardown closes the stack
 * and fails the test if dpg_mbuf_leaks() grew meanwhile (a DPDK stack, or
 * one the test opened itself, left packet buffers out of their pools). */
struct conf_fx {
	struct dpg_stack *st;
	uint64_t leaks;        /* dpg_mbuf_leaks() before the stack opened */
};
int conf_setup(void **state);
int conf_teardown(void **state);
#define CONF_TEST(fn) cmocka_unit_test_setup_teardown(fn, conf_setup, conf_teardown)
#define CONF_ST(state) (((struct conf_fx *)*(state))->st)

/* A group of tests in one file; each file defines one and main.c lists it. */
struct conf_group {
	const char *name;
	const struct CMUnitTest *tests;
	size_t count;
};
#define CONF_GROUP(var, gname, arr) \
	const struct conf_group var = { gname, arr, sizeof(arr) / sizeof(arr[0]) }

/* ---- helpers (conf.c) ---- */

/* Address builders that fail the test on a parse error. */
struct sockaddr_in conf_sin(const char *ip, uint16_t port);
struct sockaddr_in6 conf_sin6(const char *ip, uint16_t port);

/* Port of a bound dpgram socket (fails the test if unbound). */
uint16_t conf_port(struct dpg_socket *s);

/* A datagram recorder: a data handler that copies what arrives. */
#define CONF_REC_MAX 256
struct conf_rec {
	unsigned count;       /* datagrams received */
	unsigned errors;      /* on.error calls */
	int last_error;
	unsigned drains;      /* on.drain calls */
	struct {
		size_t len;
		struct dpg_rinfo rinfo;
		unsigned char data[2048]; /* first 2048 bytes */
	} msg[CONF_REC_MAX];
	bool close_in_data;   /* dpg_close(sock) from inside the data callback */
};
/* Opens a socket whose handlers record into rec (rec is its user pointer). */
struct dpg_socket *conf_rec_socket(struct dpg_stack *st, int family,
				   struct conf_rec *rec,
				   const struct dpg_socket_opts *extra);
/* Poll until pred(arg) is true or timeout_ms passes; returns pred's value. */
bool conf_poll_until(struct dpg_stack *st, bool (*pred)(void *), void *arg,
		     int timeout_ms);
/* Poll until rec->count >= n (or timeout); returns rec->count >= n. */
bool conf_wait_count(struct dpg_stack *st, struct conf_rec *rec, unsigned n,
		     int timeout_ms);
/* Poll for about ms milliseconds (to show that nothing arrives). */
void conf_poll_for(struct dpg_stack *st, int ms);

/* The kernel as a peer: plain non-blocking Linux UDP sockets. */
int conf_ksock(int family, const char *ip, uint16_t port); /* bound; fd */
uint16_t conf_kport(int fd);
/* Receive one datagram within timeout_ms into buf; returns length or -1.
 * from/ttl may be NULL; ttl gets the IP TTL / hop limit (the socket must have
 * had conf_ksock_recvttl() called). */
int conf_krecv(int fd, void *buf, size_t cap, struct sockaddr_storage *from,
	       int *ttl, int timeout_ms);
void conf_ksock_recvttl(int fd);
/* Send from a kernel socket; returns 0 or fails the test. */
void conf_ksend(int fd, const void *buf, size_t len, const struct sockaddr *dst);

/* ---- more helpers, added with conf.c (above, only conf_env's unrouted4/6
 * were added; nothing was changed or removed) ---- */

/* How long to wait for something that should arrive, and how long to watch
 * for something that should not (kept short: the suite must stay fast). */
#define CONF_ARRIVE_MS 2000
#define CONF_QUIET_MS 200

/* Zeroed memory owned by the running test: conf_teardown frees it, so a
 * failing assertion (which longjmps out of the test) leaks nothing. */
void *conf_alloc(size_t size);
/* A zeroed recorder from conf_alloc() (struct conf_rec is ~550 KiB: too big
 * for a test's stack frame when a test needs several). */
struct conf_rec *conf_rec_new(void);

/* A socket without handlers (pull mode); extra as for conf_rec_socket. */
struct dpg_socket *conf_socket(struct dpg_stack *st, int family,
			       const struct dpg_socket_opts *extra);
/* conf_rec_socket() bound to ip (NULL: wildcard) on an ephemeral port. */
struct dpg_socket *conf_rec_bound(struct dpg_stack *st, int family,
				  struct conf_rec *rec, const char *ip);
/* Bind s to ip:port or fail the test. */
void conf_bind(struct dpg_socket *s, const char *ip, uint16_t port);

/* ip:port as a sockaddr_storage (family from the text: ':' means IPv6). */
struct sockaddr_storage conf_ss(const char *ip, uint16_t port);
#define CONF_SA(ss) ((const struct sockaddr *)(ss))
/* Port of a sockaddr_in / sockaddr_in6 in host order. */
uint16_t conf_sa_port(const struct sockaddr_storage *ss);
/* Fail the test unless ss is ip (family from the text) and, if port >= 0,
 * that port. ip NULL checks only the port. The message shows both. */
void conf_assert_sa(const struct sockaddr_storage *ss, const char *ip,
		    int port);

/* A port nobody uses right now (a kernel socket bound to port 0 and closed). */
uint16_t conf_free_port(int family);
/* conf_krecv() while polling st, for datagrams dpgram may hold until
 * dpg_poll() flushes them. */
int conf_krecv_poll(struct dpg_stack *st, int fd, void *buf, size_t cap,
		    struct sockaddr_storage *from, int *ttl, int timeout_ms);
/* Send from a dpgram socket; fail the test unless it is accepted. */
void conf_send(struct dpg_socket *s, const void *buf, size_t len,
	       const struct sockaddr *dst);
/* The stack's counters, failing the test on error. */
struct dpg_stats conf_stats(struct dpg_stack *st);
/* Milliseconds from a monotonic clock. */
int64_t conf_now_ms(void);
/* Fail the test unless s is unbound (dpg_address() says -EBADF). */
void conf_assert_unbound(struct dpg_socket *s);
/* n datagrams from a kernel socket to dst, each carrying its index as a
 * uint32_t (4 bytes). */
void conf_ksend_seq(int fd, const struct sockaddr *dst, unsigned n);
/* A short pause (20 ms) after which datagrams sent over loopback or the veth
 * wait at their socket, so that the next poll pass sees them together. */
void conf_settle(void);
/* Whether this run tests the backend called name (main.c's list). */
bool conf_has_backend(const char *name);
/* The index of the kernel interface holding address ip (the kernel peer's
 * side of the link for peer4 / peer6); fails the test if there is none. */
unsigned conf_ifindex_of(const char *ip);

/* ---- capability marks (added for the DPDK backend) ---- */

/* Skip the running test unless the backend has every capability in caps.
 * Call it first in the test, before anything is opened. The message (on
 * stderr, so that TAP/XML on stdout stays clean) names what is missing, the
 * backend, the issue that brings it, and why: what the test uses it for.
 * With DPGRAM_CONF_ALL_CAPS=1 in the environment nothing is skipped (to
 * watch a backend grow a capability). */
void conf_require(unsigned caps, const char *why);

#endif /* CONF_H */
