/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpg_send_many(): order, the count it returns, where a bad message stops
 * the batch, connected sockets, several destinations in one batch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define BATCH_MAX 100

/* A sender and a recorder on 127.0.0.1, with numbered payloads ready. */
struct many {
	struct conf_rec *rec;
	struct dpg_socket *s, *r;
	struct sockaddr_storage dst;
	uint32_t seq[BATCH_MAX];
	struct dpg_msg msg[BATCH_MAX];
};

static struct many *many_open(struct dpg_stack *st)
{
	struct many *m = conf_alloc(sizeof(*m));
	unsigned i;

	m->rec = conf_rec_new();
	m->r = conf_rec_bound(st, AF_INET, m->rec, "127.0.0.1");
	m->s = conf_socket(st, AF_INET, NULL);
	m->dst = conf_ss("127.0.0.1", conf_port(m->r));
	for (i = 0; i < BATCH_MAX; i++) {
		m->seq[i] = i;
		m->msg[i].buf = &m->seq[i];
		m->msg[i].len = sizeof(m->seq[i]);
		m->msg[i].dst = CONF_SA(&m->dst);
	}
	return m;
}

static uint32_t rec_seq(const struct conf_rec *rec, unsigned i)
{
	uint32_t v;

	assert_int_equal(rec->msg[i].len, sizeof(v));
	memcpy(&v, rec->msg[i].data, sizeof(v));
	return v;
}

/* Exactly n arrive (none more), numbered 0..n-1 in order. */
static void expect_in_order(struct dpg_stack *st, struct conf_rec *rec,
			    unsigned n)
{
	unsigned i;

	if (n > 0)
		assert_true(conf_wait_count(st, rec, n, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, n);
	for (i = 0; i < n; i++)
		assert_int_equal(rec_seq(rec, i), i);
}

static void test_send_many_keeps_order(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);

	assert_int_equal(dpg_send_many(m->s, m->msg, 20), 20);
	expect_in_order(st, m->rec, 20);
	conf_assert_sa(&m->rec->msg[0].rinfo.from, "127.0.0.1",
		       conf_port(m->s));
}

/* More than one kernel batch (sendmmsg) or tx burst in a call. */
static void test_send_many_large_batch(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);

	assert_int_equal(dpg_send_many(m->s, m->msg, BATCH_MAX), BATCH_MAX);
	expect_in_order(st, m->rec, BATCH_MAX);
}

static void test_send_many_zero_is_zero(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);

	assert_int_equal(dpg_send_many(m->s, m->msg, 0), 0);
	assert_int_equal(dpg_send_many(m->s, NULL, 0), 0);
	expect_in_order(st, m->rec, 0);
}

static void test_send_many_null_is_einval(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);

	assert_int_equal(dpg_send_many(m->s, NULL, 1), -EINVAL);
	assert_int_equal(dpg_send_many(NULL, m->msg, 1), -EINVAL);
	expect_in_order(st, m->rec, 0);
}

/* msgs[3] is bad: three go, the call says 3, nothing after it goes. */
static void test_send_many_bad_port_at_3_returns_3(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);
	struct sockaddr_storage port0 = conf_ss("127.0.0.1", 0);

	m->msg[3].dst = CONF_SA(&port0);
	assert_int_equal(dpg_send_many(m->s, m->msg, 10), 3);
	expect_in_order(st, m->rec, 3);
}

static void test_send_many_oversize_at_2_returns_2(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);
	unsigned char *big = conf_alloc(DPG_MAX_PAYLOAD4 + 1);

	m->msg[2].buf = big;
	m->msg[2].len = DPG_MAX_PAYLOAD4 + 1;
	assert_int_equal(dpg_send_many(m->s, m->msg, 5), 2);
	expect_in_order(st, m->rec, 2);
}

/* A bad first message: its error, not 0, and nothing goes. */
static void test_send_many_bad_first_returns_its_errno(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);
	struct sockaddr_storage port0 = conf_ss("127.0.0.1", 0);
	struct sockaddr_in6 v6 = conf_sin6("::1", 9);
	const struct sockaddr *good = m->msg[0].dst;

	m->msg[0].dst = CONF_SA(&port0);
	assert_int_equal(dpg_send_many(m->s, m->msg, 5), -EINVAL);
	m->msg[0].dst = NULL;
	assert_int_equal(dpg_send_many(m->s, m->msg, 5), -EDESTADDRREQ);
	m->msg[0].dst = (const struct sockaddr *)&v6;
	assert_int_equal(dpg_send_many(m->s, m->msg, 5), -EAFNOSUPPORT);
	m->msg[0].dst = good;
	m->msg[0].buf = NULL;
	assert_int_equal(dpg_send_many(m->s, m->msg, 5), -EINVAL);
	expect_in_order(st, m->rec, 0);
}

/* No route for msgs[1]: the first goes, the call says 1; alone it is
 * -ENETUNREACH. */
static void test_send_many_unrouted_stops_batch(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);
	struct sockaddr_storage far;

	if (conf_env->unrouted4 == NULL)
		skip(); /* this backend's config routes everything */
	far = conf_ss(conf_env->unrouted4, 9);
	m->msg[1].dst = CONF_SA(&far);
	assert_int_equal(dpg_send_many(m->s, m->msg, 4), 1);
	assert_int_equal(dpg_send_many(m->s, &m->msg[1], 3), -ENETUNREACH);
	expect_in_order(st, m->rec, 1);
}

/* Connected: every dst is NULL and they all reach the peer. */
static void test_send_many_connected_null_dst(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);
	unsigned i;

	assert_int_equal(dpg_connect(m->s, CONF_SA(&m->dst)), 0);
	for (i = 0; i < 8; i++)
		m->msg[i].dst = NULL;
	assert_int_equal(dpg_send_many(m->s, m->msg, 8), 8);
	expect_in_order(st, m->rec, 8);
}

/* Connected with a dst in the batch: as dpg_send, -EISCONN. */
static void test_send_many_connected_with_dst_is_eisconn(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);

	assert_int_equal(dpg_connect(m->s, CONF_SA(&m->dst)), 0);
	m->msg[0].dst = NULL;
	m->msg[1].dst = NULL;
	/* msgs[2] keeps its dst */
	assert_int_equal(dpg_send_many(m->s, m->msg, 4), 2);
	assert_int_equal(dpg_send_many(m->s, &m->msg[2], 2), -EISCONN);
	expect_in_order(st, m->rec, 2);
}

/* Alternating destinations (loopback and own address): each receiver gets
 * its own datagrams, in order. */
static void test_send_many_mixed_destinations(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);
	struct conf_rec *rec2 = conf_rec_new();
	struct dpg_socket *r2 = conf_rec_bound(st, AF_INET, rec2,
					       conf_env->own4);
	struct sockaddr_storage dst2 = conf_ss(conf_env->own4, conf_port(r2));
	unsigned i;

	for (i = 1; i < 12; i += 2)
		m->msg[i].dst = CONF_SA(&dst2);
	assert_int_equal(dpg_send_many(m->s, m->msg, 12), 12);
	assert_true(conf_wait_count(st, m->rec, 6, CONF_ARRIVE_MS));
	assert_true(conf_wait_count(st, rec2, 6, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(m->rec->count, 6);
	assert_int_equal(rec2->count, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(rec_seq(m->rec, i), 2 * i);
		assert_int_equal(rec_seq(rec2, i), 2 * i + 1);
	}
}

static void test_send_many_binds_implicitly(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);
	struct sockaddr_storage ss;
	unsigned i;

	assert_int_equal(dpg_address(m->s, &ss), -EBADF);
	assert_int_equal(dpg_send_many(m->s, m->msg, 4), 4);
	assert_int_equal(dpg_address(m->s, &ss), 0);
	expect_in_order(st, m->rec, 4);
	for (i = 0; i < 4; i++)
		conf_assert_sa(&m->rec->msg[i].rinfo.from, "127.0.0.1",
			       conf_sa_port(&ss));
}

static void test_send_many_zero_length_entries(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct many *m = many_open(st);

	m->msg[1].len = 0;
	m->msg[2].buf = NULL;
	m->msg[2].len = 0;
	assert_int_equal(dpg_send_many(m->s, m->msg, 4), 4);
	assert_true(conf_wait_count(st, m->rec, 4, CONF_ARRIVE_MS));
	assert_int_equal(m->rec->msg[0].len, 4);
	assert_int_equal(m->rec->msg[1].len, 0);
	assert_int_equal(m->rec->msg[2].len, 0);
	assert_int_equal(rec_seq(m->rec, 3), 3);
}

/* The batch reaches a kernel receiver intact (IPv6 this time). */
static void test_send_many_reaches_kernel_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends to peer6");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET6, NULL);
	int fd = conf_ksock(AF_INET6, conf_env->peer6, 0);
	struct sockaddr_storage dst = conf_ss(conf_env->peer6, conf_kport(fd));
	struct dpg_msg msg[5];
	char payload[5][8];
	unsigned i;

	conf_bind(s, conf_env->own6, 0);
	for (i = 0; i < 5; i++) {
		snprintf(payload[i], sizeof(payload[i]), "msg-%u", i);
		msg[i] = (struct dpg_msg){ payload[i], 5, CONF_SA(&dst) };
	}
	assert_int_equal(dpg_send_many(s, msg, 5), 5);
	for (i = 0; i < 5; i++) {
		struct sockaddr_storage from;
		char buf[16];

		assert_int_equal(conf_krecv_poll(st, fd, buf, sizeof(buf),
						 &from, NULL, CONF_ARRIVE_MS),
				 5);
		assert_memory_equal(buf, payload[i], 5);
		conf_assert_sa(&from, conf_env->own6, conf_port(s));
	}
	close(fd);
}

static const struct CMUnitTest send_many_tests[] = {
	CONF_TEST(test_send_many_keeps_order),
	CONF_TEST(test_send_many_large_batch),
	CONF_TEST(test_send_many_zero_is_zero),
	CONF_TEST(test_send_many_null_is_einval),
	CONF_TEST(test_send_many_bad_port_at_3_returns_3),
	CONF_TEST(test_send_many_oversize_at_2_returns_2),
	CONF_TEST(test_send_many_bad_first_returns_its_errno),
	CONF_TEST(test_send_many_unrouted_stops_batch),
	CONF_TEST(test_send_many_connected_null_dst),
	CONF_TEST(test_send_many_connected_with_dst_is_eisconn),
	CONF_TEST(test_send_many_mixed_destinations),
	CONF_TEST(test_send_many_binds_implicitly),
	CONF_TEST(test_send_many_zero_length_entries),
	CONF_TEST(test_send_many_reaches_kernel_v6),
};

CONF_GROUP(conf_group_send_many, "send_many", send_many_tests);
