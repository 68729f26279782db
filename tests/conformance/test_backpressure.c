/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Backpressure and on.drain (Bun udpSocket's sendMany/drain model).
 *
 * The sink (conf_env->sink4/sink6) is a neighbour nobody answers behind a
 * slow qdisc: what is sent to it sits in the send path long enough that a
 * socket with a 4096-byte send buffer fills up. A send that does not fit is
 * refused with -EAGAIN (dpg_send) or ends the accepted prefix
 * (dpg_send_many); on.drain then fires once when sending may resume. For
 * the kernel backend that is Linux's non-blocking UDP send (EAGAIN when
 * sk_wmem_alloc reaches SO_SNDBUF) and EPOLLOUT; Node has no equivalent: it
 * queues in libuv without bound and reports nothing.
 */
#include <errno.h>
#include <unistd.h>

#include "conf.h"

#define BP_N 200     /* datagrams per burst */
#define BP_LEN 1000  /* bytes per datagram */
#define BP_SNDBUF 4096

static const unsigned char payload[BP_LEN];

/* One socket meeting backpressure, and a burst of messages to the sink. */
struct bp {
	struct conf_rec *rec;
	struct dpg_socket *s;
	struct sockaddr_storage sink;
	struct dpg_msg msgs[BP_N];
};

static struct bp *bp_open(struct dpg_stack *st, int family)
{
	struct bp *bp = conf_alloc(sizeof(*bp));
	unsigned i;

	bp->rec = conf_rec_new();
	bp->s = conf_rec_socket(st, family, bp->rec, NULL);
	assert_int_equal(dpg_set_send_buffer_size(bp->s, BP_SNDBUF), 0);
	bp->sink = conf_ss(family == AF_INET ? conf_env->sink4
					     : conf_env->sink6, 9);
	for (i = 0; i < BP_N; i++)
		bp->msgs[i] = (struct dpg_msg){ payload, BP_LEN,
						CONF_SA(&bp->sink) };
	return bp;
}

static int bp_send_one(struct bp *bp)
{
	return dpg_send(bp->s, payload, BP_LEN, CONF_SA(&bp->sink));
}

/* Send the whole burst; backpressure must cut it short. */
static int bp_burst(struct bp *bp)
{
	int k = dpg_send_many(bp->s, bp->msgs, BP_N);

	assert_true(k > 0);
	assert_true(k < BP_N);
	return k;
}

struct drains_arg {
	const struct conf_rec *rec;
	unsigned n;
};

static bool drains_reached(void *p)
{
	const struct drains_arg *a = p;

	return a->rec->drains >= a->n;
}

/* Poll until rec has seen n drains (within CONF_ARRIVE_MS), then keep
 * polling a while to show no further drain follows. */
static void expect_drains(struct dpg_stack *st, const struct conf_rec *rec,
			  unsigned n)
{
	struct drains_arg a = { rec, n };

	assert_true(conf_poll_until(st, drains_reached, &a, CONF_ARRIVE_MS));
	conf_poll_for(st, 2 * CONF_QUIET_MS);
	assert_int_equal(rec->drains, n);
}

static void bp_send_many_partial_v4(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);
	struct dpg_stats before = conf_stats(st), after;
	int k = bp_burst(bp);

	after = conf_stats(st);
	assert_true(after.tx_eagain > before.tx_eagain);
	assert_int_equal(after.tx_packets - before.tx_packets, k);
	assert_int_equal(after.tx_bytes - before.tx_bytes,
			 (uint64_t)k * BP_LEN);
	assert_int_equal(bp->rec->errors, 0);
	assert_int_equal(dpg_close(bp->s), 0);
}

/* One episode, one drain: it fires within ~2 s and not again while
 * nothing is refused; the stack counts exactly that one. */
static void bp_drain_once_v4(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);
	struct dpg_stats before = conf_stats(st);

	/* No drain is owed before anything was refused. */
	assert_int_equal(bp->rec->drains, 0);
	bp_burst(bp);
	expect_drains(st, bp->rec, 1);
	assert_int_equal(conf_stats(st).drain_events - before.drain_events, 1);
	assert_int_equal(dpg_close(bp->s), 0);
}

static void bp_send_resumes_after_drain(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);

	bp_burst(bp);
	expect_drains(st, bp->rec, 1);
	assert_int_equal(bp_send_one(bp), 0);
	assert_int_equal(dpg_close(bp->s), 0);
}

/* dpg_send in a loop: the first refusal is -EAGAIN, counted once, and
 * answered by one drain. */
static void bp_send_loop_eagain_v4(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);
	struct dpg_stats before = conf_stats(st);
	int i, rc = 0;

	for (i = 0; i < BP_N && rc == 0; i++)
		rc = bp_send_one(bp);
	assert_int_equal(rc, -EAGAIN);
	assert_true(i > 1);
	assert_int_equal(conf_stats(st).tx_eagain - before.tx_eagain, 1);
	assert_int_equal(conf_stats(st).tx_packets - before.tx_packets, i - 1);
	expect_drains(st, bp->rec, 1);
	assert_int_equal(dpg_close(bp->s), 0);
}

/* Two episodes, two drains: the drain is re-armed by the next refusal. */
static void bp_two_episodes_two_drains(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);

	bp_burst(bp);
	expect_drains(st, bp->rec, 1);
	bp_burst(bp);
	expect_drains(st, bp->rec, 2);
	assert_int_equal(dpg_close(bp->s), 0);
}

/* Sends that all fit owe no drain. */
static void bp_no_drain_without_backpressure(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_socket(st, AF_INET, rec, NULL);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage dst = conf_ss(conf_env->peer4, conf_kport(kfd));
	struct dpg_stats before = conf_stats(st), after;
	char buf[128];
	int i;

	for (i = 0; i < 10; i++)
		conf_send(s, payload, 100, CONF_SA(&dst));
	for (i = 0; i < 10; i++)
		assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf),
						 NULL, NULL, CONF_ARRIVE_MS),
				 100);
	conf_poll_for(st, 2 * CONF_QUIET_MS);
	assert_int_equal(rec->drains, 0);
	after = conf_stats(st);
	assert_int_equal(after.drain_events, before.drain_events);
	assert_int_equal(after.tx_eagain, before.tx_eagain);
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

static void assert_queue_sane(struct dpg_socket *s)
{
	int count = dpg_send_queue_count(s);
	int size = dpg_send_queue_size(s);

	assert_true(count >= 0);
	assert_true(size >= 0);
	/* Every datagram here is non-empty: bytes and count are 0 together. */
	assert_int_equal(count == 0, size == 0);
}

/* The send queue counters never go negative and are empty once drained. */
static void queue_case(void **state, int family)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, family);

	assert_int_equal(dpg_send_queue_count(bp->s), 0);
	assert_int_equal(dpg_send_queue_size(bp->s), 0);
	bp_burst(bp);
	assert_queue_sane(bp->s);
	dpg_poll(st, 0);
	assert_queue_sane(bp->s);
	expect_drains(st, bp->rec, 1);
	assert_int_equal(dpg_send_queue_count(bp->s), 0);
	assert_int_equal(dpg_send_queue_size(bp->s), 0);
	assert_int_equal(dpg_close(bp->s), 0);
}

static void bp_queue_counters_v4(void **state)
{
	queue_case(state, AF_INET);
}

static void bp_queue_counters_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends to sink6");
	queue_case(state, AF_INET6);
}

/* The IPv6 path to sink6: partial, counted, one drain, then sends work. */
static void bp_send_many_partial_drain_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends to sink6");
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET6);
	struct dpg_stats before = conf_stats(st);
	int k = bp_burst(bp);

	assert_true(conf_stats(st).tx_eagain > before.tx_eagain);
	assert_int_equal(conf_stats(st).tx_packets - before.tx_packets, k);
	expect_drains(st, bp->rec, 1);
	assert_int_equal(bp_send_one(bp), 0);
	assert_int_equal(dpg_close(bp->s), 0);
}

/* The drain belongs to the socket that was refused: another socket of the
 * same stack sending at the same time gets none. */
static void bp_drain_only_for_blocked_socket(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);
	struct conf_rec *other_rec = conf_rec_new();
	struct dpg_socket *other = conf_rec_socket(st, AF_INET, other_rec,
						   NULL);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage dst = conf_ss(conf_env->peer4, conf_kport(kfd));
	char buf[16];

	bp_burst(bp);
	conf_send(other, "x", 1, CONF_SA(&dst));
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), NULL, NULL,
					 CONF_ARRIVE_MS), 1);
	expect_drains(st, bp->rec, 1);
	assert_int_equal(other_rec->drains, 0);
	close(kfd);
	assert_int_equal(dpg_close(other), 0);
	assert_int_equal(dpg_close(bp->s), 0);
}

/* A socket closed while a drain is owed gets no callback afterwards. */
static void bp_no_drain_after_close(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);
	struct dpg_stats before = conf_stats(st);

	bp_burst(bp);
	assert_int_equal(dpg_close(bp->s), 0);
	conf_poll_for(st, 2 * CONF_QUIET_MS);
	assert_int_equal(bp->rec->drains, 0);
	assert_int_equal(conf_stats(st).drain_events, before.drain_events);
}

/* The usage the API is made for: send a batch, and on a partial count wait
 * for the drain and send the rest. Every datagram is accepted exactly once,
 * and there is one drain per partial send. */
static void bp_send_rest_after_each_drain(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct bp *bp = bp_open(st, AF_INET);
	struct dpg_stats before = conf_stats(st);
	unsigned done = 0, partial = 0, rounds = 0;
	const unsigned total = 60;

	while (done < total) {
		struct drains_arg a = { bp->rec, partial };
		int k = dpg_send_many(bp->s, bp->msgs + done, total - done);

		assert_true(k >= 0);
		done += (unsigned)k;
		if (done < total) {
			a.n = ++partial;
			assert_true(conf_poll_until(st, drains_reached, &a,
						    CONF_ARRIVE_MS));
		}
		assert_true(++rounds <= total);
	}
	assert_true(partial > 0);
	conf_poll_for(st, 2 * CONF_QUIET_MS);
	assert_int_equal(bp->rec->drains, partial);
	assert_int_equal(conf_stats(st).tx_packets - before.tx_packets, total);
	assert_int_equal(dpg_close(bp->s), 0);
}

static const struct CMUnitTest tests[] = {
	CONF_TEST(bp_send_many_partial_v4),
	CONF_TEST(bp_drain_once_v4),
	CONF_TEST(bp_send_resumes_after_drain),
	CONF_TEST(bp_send_loop_eagain_v4),
	CONF_TEST(bp_two_episodes_two_drains),
	CONF_TEST(bp_no_drain_without_backpressure),
	CONF_TEST(bp_queue_counters_v4),
	CONF_TEST(bp_queue_counters_v6),
	CONF_TEST(bp_send_many_partial_drain_v6),
	CONF_TEST(bp_drain_only_for_blocked_socket),
	CONF_TEST(bp_no_drain_after_close),
	CONF_TEST(bp_send_rest_after_each_drain),
};

CONF_GROUP(conf_group_backpressure, "backpressure", tests);
