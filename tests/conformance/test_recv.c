/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Receiving: what rinfo says about the sender, the per-socket batch limit
 * of one dpg_poll() pass, pull mode (dpg_recv_many) and its bounded queue,
 * and the stack's packet and byte counters.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define FLOOD 100

/* A datagram from the kernel peer to a dpgram recorder on own: rinfo
 * carries the peer's family, address and port, and the size. */
static void rinfo_from_kernel(void **state, int family, const char *own,
			      const char *peer)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_bound(st, family, rec, own);
	int fd = conf_ksock(family, peer, 0);
	struct sockaddr_storage dst = conf_ss(own, conf_port(s));
	const struct dpg_rinfo *ri = &rec->msg[0].rinfo;

	conf_ksend(fd, "rinfo!", 6, CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].len, 6);
	assert_memory_equal(rec->msg[0].data, "rinfo!", 6);
	assert_int_equal(ri->size, 6);
	assert_int_equal(ri->from.ss_family, family);
	conf_assert_sa(&ri->from, peer, conf_kport(fd));
	assert_int_not_equal(ri->ifindex, 0);
	close(fd);
}

static void test_recv_rinfo_ipv4_sender(void **state)
{
	rinfo_from_kernel(state, AF_INET, conf_env->own4, conf_env->peer4);
}

static void test_recv_rinfo_ipv6_sender(void **state)
{
	conf_require(CONF_CAP_IPV6, "receives from peer6");
	rinfo_from_kernel(state, AF_INET6, conf_env->own6, conf_env->peer6);
}

/* Over loopback the receiving interface is "lo", as IP_PKTINFO says. */
static void rinfo_loopback(void **state, int family, const char *lo)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, family, rec, NULL);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	struct sockaddr_storage dst = conf_ss(lo, conf_port(r));

	conf_bind(s, lo, 0);
	conf_send(s, "lo", 2, CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].rinfo.ifindex, if_nametoindex("lo"));
	assert_int_equal(rec->msg[0].rinfo.from.ss_family, family);
	conf_assert_sa(&rec->msg[0].rinfo.from, lo, conf_port(s));
	assert_int_equal(rec->msg[0].rinfo.size, 2);
}

static void test_recv_ifindex_loopback_v4(void **state)
{
	rinfo_loopback(state, AF_INET, "127.0.0.1");
}

static void test_recv_ifindex_loopback_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends over ::1");
	rinfo_loopback(state, AF_INET6, "::1");
}

/* rinfo.size and len are the whole datagram, beyond what one copy keeps. */
static void test_recv_size_of_large_datagram(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", conf_port(r));
	unsigned char out[9000];
	size_t i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i % 253);
	conf_send(s, out, sizeof(out), CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].len, sizeof(out));
	assert_int_equal(rec->msg[0].rinfo.size, sizeof(out));
	assert_memory_equal(rec->msg[0].data, out, sizeof(rec->msg[0].data));
}

/* n numbered datagrams from the kernel peer to own:port. */
static void kernel_flood(int fd, const char *own, uint16_t port, unsigned n)
{
	struct sockaddr_storage dst = conf_ss(own, port);

	conf_ksend_seq(fd, CONF_SA(&dst), n);
}

/* One pass delivers at most DPG_POLL_BATCH datagrams to a socket, and
 * returns how many it delivered; the rest come in later passes. */
static void test_recv_one_pass_is_batch_limited(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_bound(st, AF_INET, rec,
					      conf_env->own4);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	int rc;

	kernel_flood(fd, conf_env->own4, conf_port(s), FLOOD);
	conf_settle();
	rc = dpg_poll(st, 0);
	assert_in_range(rec->count, 1, DPG_POLL_BATCH);
	assert_int_equal(rc, (int)rec->count);
	assert_true(conf_wait_count(st, rec, FLOOD, CONF_ARRIVE_MS));
	conf_poll_for(st, 20);
	assert_int_equal(rec->count, FLOOD);
	close(fd);
}

/* Two flooded sockets: one pass serves both, neither beyond the batch. */
static void test_recv_one_pass_serves_every_socket(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *ra = conf_rec_new(), *rb = conf_rec_new();
	struct dpg_socket *a = conf_rec_bound(st, AF_INET, ra, conf_env->own4);
	struct dpg_socket *b = conf_rec_bound(st, AF_INET, rb, conf_env->own4);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	unsigned i;

	/* Interleaved, so that arrival order favours neither. */
	for (i = 0; i < FLOOD; i++) {
		kernel_flood(fd, conf_env->own4, conf_port(a), 1);
		kernel_flood(fd, conf_env->own4, conf_port(b), 1);
	}
	conf_settle();
	assert_true(dpg_poll(st, 0) > 0);
	assert_in_range(ra->count, 1, DPG_POLL_BATCH);
	assert_in_range(rb->count, 1, DPG_POLL_BATCH);
	assert_true(conf_wait_count(st, ra, FLOOD, CONF_ARRIVE_MS));
	assert_true(conf_wait_count(st, rb, FLOOD, CONF_ARRIVE_MS));
	close(fd);
}

/* dpg_poll() with a timeout returns as soon as there is work, and its
 * return values add up to the datagrams delivered. */
static void test_recv_poll_wakes_and_counts(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_bound(st, AF_INET, rec,
					      conf_env->own4);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	int64_t t0, deadline;
	int total = 0, rc;

	kernel_flood(fd, conf_env->own4, conf_port(s), 5);
	conf_settle();
	t0 = conf_now_ms();
	rc = dpg_poll(st, 1500);
	assert_true(conf_now_ms() - t0 < 1000);
	assert_true(rc >= 1);
	total += rc;
	deadline = conf_now_ms() + CONF_ARRIVE_MS;
	while (rec->count < 5 && conf_now_ms() < deadline) {
		rc = dpg_poll(st, 10);
		assert_true(rc >= 0);
		total += rc;
	}
	assert_int_equal(rec->count, 5);
	assert_int_equal(total, 5);
	close(fd);
}

/* dpg_poll(st, -1) waits for work; with a datagram already waiting it
 * returns at once with it. */
static void test_recv_poll_forever_returns_on_data(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_bound(st, AF_INET, rec,
					      conf_env->own4);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);

	kernel_flood(fd, conf_env->own4, conf_port(s), 1);
	conf_settle();
	assert_int_equal(dpg_poll(st, -1), 1);
	assert_int_equal(rec->count, 1);
	close(fd);
}

/* "Callbacks may send": an echo from inside the data callback. */
static void echo_data(struct dpg_socket *sock, const void *buf, size_t len,
		      const struct dpg_rinfo *rinfo, void *user)
{
	int *rc = user;

	*rc = dpg_send(sock, buf, len, (const struct sockaddr *)&rinfo->from);
}

static void test_recv_send_from_inside_callback(void **state)
{
	conf_require(CONF_CAP_IPV6, "echoes to peer6");
	struct dpg_stack *st = CONF_ST(state);
	int echo_rc = 1;
	struct dpg_socket_opts o = { .on.data = echo_data, .user = &echo_rc };
	struct dpg_socket *s = conf_socket(st, AF_INET6, &o);
	int fd = conf_ksock(AF_INET6, conf_env->peer6, 0);
	struct sockaddr_storage dst, from;
	char buf[16];

	conf_bind(s, conf_env->own6, 0);
	dst = conf_ss(conf_env->own6, conf_port(s));
	conf_ksend(fd, "echo me", 7, CONF_SA(&dst));
	assert_int_equal(conf_krecv_poll(st, fd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 7);
	assert_int_equal(echo_rc, 0);
	assert_memory_equal(buf, "echo me", 7);
	conf_assert_sa(&from, conf_env->own6, conf_port(s));
	close(fd);
}

struct busy {
	struct dpg_stack *st;
	int rc;
	unsigned calls;
};

static void busy_data(struct dpg_socket *sock, const void *buf, size_t len,
		      const struct dpg_rinfo *rinfo, void *user)
{
	struct busy *b = user;

	(void)sock;
	(void)buf;
	(void)len;
	(void)rinfo;
	b->calls++;
	b->rc = dpg_poll(b->st, 0);
}

static void test_recv_poll_inside_callback_is_ebusy(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct busy b = { .st = st, .rc = 12345 };
	struct dpg_socket_opts o = { .on.data = busy_data, .user = &b };
	struct dpg_socket *r = conf_socket(st, AF_INET, &o);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst;

	/* conf_socket keeps on.data from extra: r is not in pull mode. */
	conf_bind(r, "127.0.0.1", 0);
	dst = conf_ss("127.0.0.1", conf_port(r));
	conf_send(s, "x", 1, CONF_SA(&dst));
	conf_poll_for(st, 100);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.rc, -EBUSY);
}

/* Pull mode: receive into caller slots until n arrived (or timeout). */
static int pull(struct dpg_stack *st, struct dpg_socket *s,
		struct dpg_rmsg *m, unsigned n)
{
	int64_t deadline = conf_now_ms() + CONF_ARRIVE_MS;
	unsigned got = 0;

	while (got < n && conf_now_ms() < deadline) {
		int rc;

		assert_true(dpg_poll(st, 5) >= 0);
		rc = dpg_recv_many(s, m + got, n - got);
		if (rc == -EAGAIN)
			continue;
		assert_in_range(rc, 1, n - got);
		got += (unsigned)rc;
	}
	return (int)got;
}

static void test_recv_pull_mode_delivers_with_sender(void **state)
{
	conf_require(CONF_CAP_IPV6, "receives from peer6");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET6, NULL);
	int fd = conf_ksock(AF_INET6, conf_env->peer6, 0);
	struct sockaddr_storage dst;
	char buf[3][64];
	struct dpg_rmsg m[3];
	unsigned i;

	conf_bind(s, conf_env->own6, 0);
	dst = conf_ss(conf_env->own6, conf_port(s));
	for (i = 0; i < 3; i++) {
		m[i] = (struct dpg_rmsg){ .buf = buf[i], .cap = sizeof(buf[i]),
					  .flags = -1 };
		conf_ksend(fd, "pulled-123", 7 + i, CONF_SA(&dst));
	}
	assert_int_equal(pull(st, s, m, 3), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(m[i].len, 7 + i);
		assert_memory_equal(buf[i], "pulled-123", 7 + i);
		assert_int_equal(m[i].flags, 0);
		assert_int_equal(m[i].from.ss_family, AF_INET6);
		conf_assert_sa(&m[i].from, conf_env->peer6, conf_kport(fd));
	}
	assert_int_equal(dpg_recv_many(s, m, 3), -EAGAIN);
	close(fd);
}

static void test_recv_many_empty_is_eagain(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	char buf[8];
	struct dpg_rmsg m = { .buf = buf, .cap = sizeof(buf) };

	assert_int_equal(dpg_recv_many(s, &m, 1), -EAGAIN); /* unbound */
	conf_bind(s, NULL, 0);
	assert_int_equal(dpg_poll(CONF_ST(state), 0), 0);
	assert_int_equal(dpg_recv_many(s, &m, 1), -EAGAIN);
}

static void test_recv_many_with_data_handler_is_einval(void **state)
{
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_socket(CONF_ST(state), AF_INET, rec,
					       NULL);
	char buf[8];
	struct dpg_rmsg m = { .buf = buf, .cap = sizeof(buf) };

	assert_int_equal(dpg_recv_many(s, &m, 1), -EINVAL);
}

static void test_recv_many_bad_arguments_are_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	char buf[8];
	struct dpg_rmsg m = { .buf = buf, .cap = sizeof(buf) };

	assert_int_equal(dpg_recv_many(NULL, &m, 1), -EINVAL);
	assert_int_equal(dpg_recv_many(s, NULL, 1), -EINVAL);
	assert_int_equal(dpg_recv_many(s, &m, 0), -EINVAL);
}

/* A slot smaller than the datagram: the head is copied, len says how much
 * and DPG_RMSG_TRUNC says the tail is gone; the next one is whole. */
static void test_recv_many_truncates_and_flags(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *r = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst;
	char big[100], b0[10], b1[10];
	struct dpg_rmsg m[2] = {
		{ .buf = b0, .cap = sizeof(b0) },
		{ .buf = b1, .cap = sizeof(b1) },
	};

	memset(big, 'T', sizeof(big));
	memcpy(big, "0123456789", 10);
	conf_bind(r, "127.0.0.1", 0);
	dst = conf_ss("127.0.0.1", conf_port(r));
	conf_send(s, big, sizeof(big), CONF_SA(&dst));
	conf_send(s, "fits", 4, CONF_SA(&dst));
	assert_int_equal(pull(st, r, m, 2), 2);
	assert_int_equal(m[0].len, sizeof(b0));
	assert_true(m[0].flags & DPG_RMSG_TRUNC);
	assert_memory_equal(b0, "0123456789", 10);
	assert_int_equal(m[1].len, 4);
	assert_int_equal(m[1].flags, 0);
	assert_memory_equal(b1, "fits", 4);
}

/* Pull mode on a connected socket, read without a poll in between: a
 * datagram from another sender that was already waiting is not returned,
 * and the peer's is copied into the caller's first slot within its cap. */
static void test_recv_many_connected_skips_earlier_senders(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *a = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *b = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage s_addr, a_addr;
	/* The small slot is followed by a guard, so that an overrun fails
	 * the test (instead of corrupting the heap and ending the run). */
	struct {
		char small[8];
		char guard[56];
		char large[64];
	} slots;
	char guard[sizeof(slots.guard)];
	struct dpg_rmsg m[2] = {
		{ .buf = slots.small, .cap = sizeof(slots.small) },
		{ .buf = slots.large, .cap = sizeof(slots.large) },
	};
	char payload[40];
	int64_t deadline;
	int rc;

	memset(&slots, 'G', sizeof(slots));
	memset(guard, 'G', sizeof(guard));
	conf_bind(s, "127.0.0.1", 0);
	conf_bind(a, "127.0.0.1", 0);
	conf_bind(b, "127.0.0.1", 0);
	s_addr = conf_ss("127.0.0.1", conf_port(s));
	a_addr = conf_ss("127.0.0.1", conf_port(a));
	memset(payload, 'B', sizeof(payload));
	conf_send(b, payload, sizeof(payload), CONF_SA(&s_addr));
	assert_int_equal(dpg_connect(s, CONF_SA(&a_addr)), 0);
	memset(payload, 'A', sizeof(payload));
	conf_send(a, payload, sizeof(payload), CONF_SA(&s_addr));
	conf_settle();

	deadline = conf_now_ms() + CONF_ARRIVE_MS;
	do
		rc = dpg_recv_many(s, m, 2);
	while (rc == -EAGAIN && conf_now_ms() < deadline &&
	       dpg_poll(st, 5) >= 0);
	assert_memory_equal(slots.guard, guard, sizeof(guard)); /* no overrun */
	assert_int_equal(rc, 1);
	conf_assert_sa(&m[0].from, "127.0.0.1", conf_port(a));
	assert_true(m[0].len <= m[0].cap);
	assert_int_equal(m[0].len, 8);
	assert_true(m[0].flags & DPG_RMSG_TRUNC);
	assert_memory_equal(slots.small, "AAAAAAAA", 8);
}

/* The same situation with equal slots: the skipped datagram is a drop
 * (rx_not_peer), not a delivery; only the peer's counts in rx_packets. */
static void test_recv_many_connected_counts_skipped_as_drop(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *a = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *b = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage s_addr, a_addr;
	char b0[64], b1[64];
	struct dpg_rmsg m[2] = {
		{ .buf = b0, .cap = sizeof(b0) },
		{ .buf = b1, .cap = sizeof(b1) },
	};
	struct dpg_stats stats;
	int64_t deadline;
	int rc;

	conf_bind(s, "127.0.0.1", 0);
	conf_bind(a, "127.0.0.1", 0);
	conf_bind(b, "127.0.0.1", 0);
	s_addr = conf_ss("127.0.0.1", conf_port(s));
	a_addr = conf_ss("127.0.0.1", conf_port(a));
	conf_send(b, "from-b", 6, CONF_SA(&s_addr));
	assert_int_equal(dpg_connect(s, CONF_SA(&a_addr)), 0);
	conf_send(a, "from-a", 6, CONF_SA(&s_addr));
	conf_settle();

	deadline = conf_now_ms() + CONF_ARRIVE_MS;
	do
		rc = dpg_recv_many(s, m, 2);
	while (rc == -EAGAIN && conf_now_ms() < deadline &&
	       dpg_poll(st, 5) >= 0);
	assert_int_equal(rc, 1);
	assert_int_equal(m[0].len, 6);
	assert_memory_equal(b0, "from-a", 6);
	stats = conf_stats(st);
	assert_int_equal(stats.drops[DPG_DROP_rx_not_peer], 1);
	assert_int_equal(stats.rx_packets, 1);
	assert_int_equal(stats.rx_bytes, 6);
}

/* 50 x 1000 bytes against a 4096-byte receive buffer, each moved from the
 * network by its own poll: the queue keeps at most 4096 bytes and counts
 * the rest as rx_queue_full. */
static unsigned overflow_pull_queue(struct dpg_stack *st, int fd,
				    struct dpg_socket *s)
{
	struct sockaddr_storage dst = conf_ss(conf_env->own4, conf_port(s));
	static char payload[1000];
	char buf[1000];
	struct dpg_rmsg m = { .buf = buf, .cap = sizeof(buf) };
	unsigned i, got = 0;

	for (i = 0; i < 50; i++) {
		conf_ksend(fd, payload, sizeof(payload), CONF_SA(&dst));
		assert_true(dpg_poll(st, 0) >= 0);
	}
	conf_poll_for(st, 50);
	while (dpg_recv_many(s, &m, 1) == 1) {
		assert_int_equal(m.len, sizeof(payload));
		got++;
	}
	return got;
}

static struct dpg_socket *small_pull_socket(struct dpg_stack *st)
{
	struct dpg_socket_opts o = { .recv_buffer_size = 4096 };
	struct dpg_socket *s = conf_socket(st, AF_INET, &o);

	conf_bind(s, conf_env->own4, 0);
	return s;
}

static void test_recv_pull_queue_bounded_by_recv_buffer(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = small_pull_socket(st);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	unsigned got = overflow_pull_queue(st, fd, s);
	struct dpg_stats stats = conf_stats(st);

	assert_in_range(got, 1, 4096 / 1000);
	assert_true(stats.drops[DPG_DROP_rx_queue_full] > 0);
	close(fd);
}

/* Nothing vanishes silently: each of the 50 was received or counted. */
static void test_recv_pull_overflow_is_fully_counted(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = small_pull_socket(st);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	unsigned got = overflow_pull_queue(st, fd, s);
	struct dpg_stats stats = conf_stats(st);

	assert_int_equal(got + stats.drops[DPG_DROP_rx_queue_full] +
				 stats.drops[DPG_DROP_rx_kernel_overflow],
			 50);
	/* Queued counts as delivered, dropped does not. */
	assert_int_equal(stats.rx_packets, got);
	assert_int_equal(stats.rx_bytes, got * 1000);
	close(fd);
}

/* The queue frees its bytes as they are taken: after draining it, the
 * same burst fits again. */
static void test_recv_pull_queue_space_is_reused(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = small_pull_socket(st);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	unsigned first = overflow_pull_queue(st, fd, s);

	assert_true(first >= 1);
	assert_int_equal(overflow_pull_queue(st, fd, s), first);
	close(fd);
}

static void test_recv_stats_count_packets_and_bytes(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", conf_port(r));
	struct dpg_stats before = conf_stats(st), after;
	char buf[30] = { 0 };

	conf_send(s, buf, 10, CONF_SA(&dst));
	conf_send(s, buf, 20, CONF_SA(&dst));
	conf_send(s, buf, 30, CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 3, CONF_ARRIVE_MS));
	conf_poll_for(st, 20);
	after = conf_stats(st);
	assert_int_equal(after.tx_packets - before.tx_packets, 3);
	assert_int_equal(after.tx_bytes - before.tx_bytes, 60);
	assert_int_equal(after.rx_packets - before.rx_packets, 3);
	assert_int_equal(after.rx_bytes - before.rx_bytes, 60);
	assert_int_equal(after.tx_eagain - before.tx_eagain, 0);
}

/* Refused sends are not counted as sent. */
static void test_recv_stats_ignore_refused_sends(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage port0 = conf_ss("127.0.0.1", 0);
	struct dpg_stats before = conf_stats(st), after;

	assert_int_equal(dpg_send(s, "x", 1, CONF_SA(&port0)), -EINVAL);
	assert_int_equal(dpg_send(s, "x", 1, NULL), -EDESTADDRREQ);
	after = conf_stats(st);
	assert_int_equal(after.tx_packets, before.tx_packets);
	assert_int_equal(after.tx_bytes, before.tx_bytes);
}

static const struct CMUnitTest recv_tests[] = {
	CONF_TEST(test_recv_rinfo_ipv4_sender),
	CONF_TEST(test_recv_rinfo_ipv6_sender),
	CONF_TEST(test_recv_ifindex_loopback_v4),
	CONF_TEST(test_recv_ifindex_loopback_v6),
	CONF_TEST(test_recv_size_of_large_datagram),
	CONF_TEST(test_recv_one_pass_is_batch_limited),
	CONF_TEST(test_recv_one_pass_serves_every_socket),
	CONF_TEST(test_recv_poll_wakes_and_counts),
	CONF_TEST(test_recv_poll_forever_returns_on_data),
	CONF_TEST(test_recv_poll_inside_callback_is_ebusy),
	CONF_TEST(test_recv_send_from_inside_callback),
	CONF_TEST(test_recv_pull_mode_delivers_with_sender),
	CONF_TEST(test_recv_many_empty_is_eagain),
	CONF_TEST(test_recv_many_with_data_handler_is_einval),
	CONF_TEST(test_recv_many_bad_arguments_are_einval),
	CONF_TEST(test_recv_many_truncates_and_flags),
	CONF_TEST(test_recv_many_connected_skips_earlier_senders),
	CONF_TEST(test_recv_many_connected_counts_skipped_as_drop),
	CONF_TEST(test_recv_pull_queue_bounded_by_recv_buffer),
	CONF_TEST(test_recv_pull_overflow_is_fully_counted),
	CONF_TEST(test_recv_pull_queue_space_is_reused),
	CONF_TEST(test_recv_stats_count_packets_and_bytes),
	CONF_TEST(test_recv_stats_ignore_refused_sends),
};

CONF_GROUP(conf_group_recv, "recv", recv_tests);
