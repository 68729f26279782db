/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpg_close() and dpg_stack_close(): no callback after close (also when the
 * close happens inside a callback of the same poll pass), held datagrams
 * and queued sends are freed (valgrind checks the leaks), ports come back.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

/* n numbered datagrams from the kernel peer to own4:port, then a pause so
 * that the next poll pass sees them together. */
static void kernel_burst(int fd, uint16_t port, unsigned n)
{
	struct sockaddr_storage dst = conf_ss(conf_env->own4, port);

	conf_ksend_seq(fd, CONF_SA(&dst), n);
	conf_settle();
}

/* The callback closes its socket on the first of ten datagrams: no second
 * callback, in this pass or a later one. */
static void test_close_inside_data_callback_stops_delivery(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_bound(st, AF_INET, rec,
					      conf_env->own4);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct dpg_stats stats;

	rec->close_in_data = true;
	kernel_burst(fd, conf_port(s), 10);
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	/* s is freed now. */
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(dpg_poll(st, 0), 0);
	assert_int_equal(rec->count, 1);
	stats = conf_stats(st);
	assert_int_equal(stats.rx_packets, 1);
	close(fd);
}

/* The same between two dpgram sockets of the stack over loopback. */
static void test_close_inside_callback_loopback(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends over ::1");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET6, rec, "::1");
	struct dpg_socket *s = conf_socket(st, AF_INET6, NULL);
	struct sockaddr_storage dst = conf_ss("::1", conf_port(r));
	unsigned i;

	rec->close_in_data = true;
	for (i = 0; i < 10; i++)
		conf_send(s, &i, sizeof(i), CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, 1);
	assert_int_equal(rec->msg[0].len, sizeof(i));
	memcpy(&i, rec->msg[0].data, sizeof(i));
	assert_int_equal(i, 0); /* the first one */
}

/* Datagrams wait for the socket; it is closed before any poll. */
static void test_close_before_poll_fires_nothing(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_bound(st, AF_INET, rec,
					      conf_env->own4);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);

	kernel_burst(fd, conf_port(s), 5);
	assert_int_equal(dpg_close(s), 0);
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, 0);
	assert_int_equal(rec->errors, 0);
	assert_int_equal(rec->drains, 0);
	close(fd);
}

/* A pull-mode socket closed with datagrams in its queue: they are freed
 * (valgrind), and the port is free again. */
static void test_close_pull_socket_with_queued_data(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *again = conf_socket(st, AF_INET, NULL);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage ss;
	int delivered = 0;
	int64_t deadline;
	uint16_t port;

	conf_bind(s, conf_env->own4, 0);
	port = conf_port(s);
	kernel_burst(fd, port, 5);
	deadline = conf_now_ms() + CONF_ARRIVE_MS;
	while (delivered < 5 && conf_now_ms() < deadline) {
		int rc = dpg_poll(st, 10);

		assert_true(rc >= 0);
		delivered += rc;
	}
	assert_int_equal(delivered, 5); /* all five in s's queue */
	assert_int_equal(dpg_close(s), 0);
	ss = conf_ss(conf_env->own4, port);
	assert_int_equal(dpg_bind(again, CONF_SA(&ss)), 0);
	close(fd);
}

static void test_close_null_is_einval(void **state)
{
	(void)state;
	assert_int_equal(dpg_close(NULL), -EINVAL);
}

/* A's callback closes B while both have datagrams in the same pass: B gets
 * nothing after that moment (whatever order the pass serves them in). */
struct closer {
	struct dpg_socket *victim;
	struct conf_rec *victim_rec;
	unsigned at_close;
	unsigned calls;
};

static void closer_data(struct dpg_socket *sock, const void *buf, size_t len,
			const struct dpg_rinfo *rinfo, void *user)
{
	struct closer *c = user;

	(void)sock;
	(void)buf;
	(void)len;
	(void)rinfo;
	c->calls++;
	if (c->victim != NULL) {
		c->at_close = c->victim_rec->count;
		assert_int_equal(dpg_close(c->victim), 0);
		c->victim = NULL;
	}
}

static void test_close_other_socket_inside_callback(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct closer c = { 0 };
	struct dpg_socket_opts o = { .on.data = closer_data, .user = &c };
	struct dpg_socket *a = conf_socket(st, AF_INET, &o);
	struct dpg_socket *b;
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	uint16_t pa, pb;
	unsigned i;

	c.victim_rec = conf_rec_new();
	b = conf_rec_bound(st, AF_INET, c.victim_rec, conf_env->own4);
	c.victim = b;
	conf_bind(a, conf_env->own4, 0);
	pa = conf_port(a);
	pb = conf_port(b);
	for (i = 0; i < 5; i++) {
		kernel_burst(fd, pb, 1);
		kernel_burst(fd, pa, 1);
	}
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(c.calls, 5);
	assert_null(c.victim);
	assert_int_equal(c.victim_rec->count, c.at_close);
	close(fd);
}

/* The callback closes its socket and opens a new one in its place (which
 * may well get the same memory or descriptor): the rest of the old
 * socket's batch must not reach the newcomer. */
struct reopen {
	struct dpg_stack *st;
	struct conf_rec *fresh_rec;
	struct dpg_socket *fresh;
	uint16_t old_port;
	unsigned calls;
};

static void reopen_data(struct dpg_socket *sock, const void *buf, size_t len,
			const struct dpg_rinfo *rinfo, void *user)
{
	struct reopen *r = user;
	struct sockaddr_storage ss;

	(void)buf;
	(void)len;
	(void)rinfo;
	r->calls++;
	assert_int_equal(dpg_close(sock), 0);
	r->fresh = conf_rec_socket(r->st, AF_INET, r->fresh_rec, NULL);
	/* Another port of the same address: nothing is sent to it. */
	ss = conf_ss(conf_env->own4, 0);
	assert_int_equal(dpg_bind(r->fresh, CONF_SA(&ss)), 0);
	assert_int_not_equal(conf_port(r->fresh), r->old_port);
}

static void test_close_and_reopen_inside_callback(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct reopen r = { .st = st, .fresh_rec = conf_rec_new() };
	struct dpg_socket_opts o = { .on.data = reopen_data, .user = &r };
	struct dpg_socket *s = conf_socket(st, AF_INET, &o);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);

	conf_bind(s, conf_env->own4, 0);
	r.old_port = conf_port(s);
	kernel_burst(fd, r.old_port, 10);
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(r.calls, 1);
	assert_non_null(r.fresh);
	assert_int_equal(r.fresh_rec->count, 0);
	close(fd);
}

/* Queued sends (a small send buffer towards the slow sink) are dropped with
 * the socket: no drain callback later, nothing leaks. */
static void test_close_drops_queued_sends(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket_opts o = { .send_buffer_size = 4096 };
	struct dpg_socket *s = conf_rec_socket(st, AF_INET, rec, &o);
	struct sockaddr_storage dst = conf_ss(conf_env->sink4, 9);
	static const char payload[1000];
	unsigned i;

	conf_bind(s, conf_env->own4, 0);
	for (i = 0; i < 200; i++) {
		int rc = dpg_send(s, payload, sizeof(payload), CONF_SA(&dst));

		if (rc == -EAGAIN)
			break;
		assert_int_equal(rc, 0);
	}
	assert_int_equal(dpg_close(s), 0);
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->drains, 0);
	assert_int_equal(rec->errors, 0);
}

/* Closing a stack closes everything it still has: pull-mode with a queued
 * datagram, connected, with handlers, a multicast member, never bound.
 * Nothing leaks (valgrind) and the ports are free again. */
/* A second stack (on dpdk: on a port of its own) with a pull socket holding
 * a datagram, a connected socket and a recorder (and, with `more`, an IPv6
 * recorder, a multicast member and an unbound IPv6 socket) is closed whole:
 * no crash, no leak, and the pull socket's port is free again. */
static void stack_close_case(void **state, bool more)
{
	struct dpg_stack *st2 = NULL;
	struct dpg_socket *pull, *conn, *member, *reuse;
	struct sockaddr_storage ss;
	int64_t deadline;
	int delivered = 0;

	assert_int_equal(dpg_stack_open(conf_env->cfg2.backend ? &conf_env->cfg2 :
					&conf_env->cfg, &st2), 0);
	pull = conf_socket(st2, AF_INET, NULL);
	conf_bind(pull, "127.0.0.1", 0);
	ss = conf_ss("127.0.0.1", conf_port(pull));
	conn = conf_socket(st2, AF_INET, NULL);
	assert_int_equal(dpg_connect(conn, CONF_SA(&ss)), 0);
	conf_send(conn, "held", 4, NULL);
	conf_rec_bound(st2, AF_INET, conf_rec_new(), "127.0.0.1");
	if (more) {
		conf_rec_bound(st2, AF_INET6, conf_rec_new(), "::1");
		member = conf_socket(st2, AF_INET, NULL);
		assert_int_equal(dpg_add_membership(member, "239.1.2.3", NULL), 0);
		conf_socket(st2, AF_INET6, NULL);
	}
	deadline = conf_now_ms() + CONF_ARRIVE_MS;
	while (delivered < 1 && conf_now_ms() < deadline) {
		int rc = dpg_poll(st2, 10);

		assert_true(rc >= 0);
		delivered += rc;
	}
	assert_int_equal(delivered, 1); /* "held" waits in pull's queue */
	dpg_stack_close(st2);

	reuse = conf_socket(CONF_ST(state), AF_INET, NULL);
	assert_int_equal(dpg_bind(reuse, CONF_SA(&ss)), 0);
}

static void test_stack_close_frees_open_sockets(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "::1 and a member");
	stack_close_case(state, true);
}

static void test_stack_close_frees_open_sockets_v4(void **state)
{
	stack_close_case(state, false);
}

static const struct CMUnitTest close_tests[] = {
	CONF_TEST(test_close_inside_data_callback_stops_delivery),
	CONF_TEST(test_close_inside_callback_loopback),
	CONF_TEST(test_close_before_poll_fires_nothing),
	CONF_TEST(test_close_pull_socket_with_queued_data),
	CONF_TEST(test_close_null_is_einval),
	CONF_TEST(test_close_other_socket_inside_callback),
	CONF_TEST(test_close_and_reopen_inside_callback),
	CONF_TEST(test_close_drops_queued_sends),
	CONF_TEST(test_stack_close_frees_open_sockets),
	CONF_TEST(test_stack_close_frees_open_sockets_v4),
};

CONF_GROUP(conf_group_close, "close", close_tests);
