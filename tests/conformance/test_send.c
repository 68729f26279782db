/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpg_send() and dpg_sendv(): the argument errors, the size limits of IPv4
 * and IPv6, zero-length datagrams, gathering, the implicit bind, and what
 * arrives (bytes, source port) at a dpgram or a kernel receiver.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

/* A pull-mode receiver with room for the largest datagram. */
#define BIG_RCVBUF (256 * 1024)

static void test_send_unconnected_null_dst_is_edestaddrreq(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);

	assert_int_equal(dpg_send(s, "x", 1, NULL), -EDESTADDRREQ);
	conf_assert_unbound(s);
}

/* Linux lets sendto() name a destination on a connected socket; Node throws
 * ERR_SOCKET_DGRAM_IS_CONNECTED; dpgram returns -EISCONN. */
static void test_send_connected_with_dst_is_eisconn(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 9);

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_send(s, "x", 1, CONF_SA(&peer)), -EISCONN);
}

static void test_send_port_zero_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", 0);

	assert_int_equal(dpg_send(s, "x", 1, CONF_SA(&dst)), -EINVAL);
	conf_assert_unbound(s);
}

static void test_send_null_buf_with_length_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", 9);

	assert_int_equal(dpg_send(s, NULL, 1, CONF_SA(&dst)), -EINVAL);
	conf_assert_unbound(s);
}

static void test_send_null_socket_is_einval(void **state)
{
	struct sockaddr_storage dst = conf_ss("127.0.0.1", 9);
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };

	(void)state;
	assert_int_equal(dpg_send(NULL, "x", 1, CONF_SA(&dst)), -EINVAL);
	assert_int_equal(dpg_sendv(NULL, &iov, 1, CONF_SA(&dst)), -EINVAL);
}

static void test_send_v4_socket_v6_dst_is_eafnosupport(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_in6 dst = conf_sin6("::1", 9);

	assert_int_equal(dpg_send(s, "x", 1, (struct sockaddr *)&dst),
			 -EAFNOSUPPORT);
	conf_assert_unbound(s);
}

/* Linux sends IPv4 from a dual-stack socket given a sockaddr_in; Node fails
 * with EINVAL (an IPv4 string on a udp6 handle). dpgram: -EAFNOSUPPORT,
 * IPv4 goes to ::ffff:a.b.c.d. */
static void test_send_v6_socket_v4_dst_is_eafnosupport(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_in dst = conf_sin("127.0.0.1", 9);

	assert_int_equal(dpg_send(s, "x", 1, (struct sockaddr *)&dst),
			 -EAFNOSUPPORT);
	conf_assert_unbound(s);
}

/* No route to the destination: -ENETUNREACH, counted as nothing sent. */
static void send_unrouted(void **state, int family, const char *ip)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	struct sockaddr_storage dst;
	struct dpg_stats before, after;

	if (ip == NULL)
		skip(); /* this backend's config routes everything */
	dst = conf_ss(ip, 9);
	before = conf_stats(st);
	assert_int_equal(dpg_send(s, "x", 1, CONF_SA(&dst)), -ENETUNREACH);
	after = conf_stats(st);
	assert_int_equal(after.tx_packets, before.tx_packets);
}

static void test_send_no_route_is_enetunreach_v4(void **state)
{
	send_unrouted(state, AF_INET, conf_env->unrouted4);
}

static void test_send_no_route_is_enetunreach_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "IPv6 routes");
	send_unrouted(state, AF_INET6, conf_env->unrouted6);
}

/* Two recorder-less sockets on lo: r receives (pull mode, big buffer). */
struct pair {
	struct dpg_socket *s, *r;
	struct sockaddr_storage r_addr;
};

static void pair_open(struct dpg_stack *st, struct pair *p, int family,
		      const char *lo)
{
	struct dpg_socket_opts o = { .recv_buffer_size = BIG_RCVBUF };

	p->s = conf_socket(st, family, NULL);
	p->r = conf_socket(st, family, &o);
	conf_bind(p->r, lo, 0);
	p->r_addr = conf_ss(lo, conf_port(p->r));
}

/* Poll until r has a datagram; take exactly one into *m. */
static void pair_recv(struct dpg_stack *st, struct pair *p, struct dpg_rmsg *m)
{
	int64_t deadline = conf_now_ms() + CONF_ARRIVE_MS;
	int rc;

	do {
		assert_true(dpg_poll(st, 5) >= 0);
		rc = dpg_recv_many(p->r, m, 1);
	} while (rc == -EAGAIN && conf_now_ms() < deadline);
	assert_int_equal(rc, 1);
}

static void pair_expect_nothing(struct dpg_stack *st, struct pair *p)
{
	struct dpg_rmsg m = { .buf = NULL, .cap = 0 };
	char b[1];

	m.buf = b;
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(dpg_recv_many(p->r, &m, 1), -EAGAIN);
}

/* The largest datagram of the family goes through whole; one more byte is
 * -EMSGSIZE. */
static void max_payload(void **state, int family, const char *lo, size_t max)
{
	struct dpg_stack *st = CONF_ST(state);
	unsigned char *out = conf_alloc(max + 1), *in = conf_alloc(max + 1);
	struct dpg_rmsg m = { .buf = in, .cap = max + 1 };
	struct pair p;
	size_t i;

	pair_open(st, &p, family, lo);
	for (i = 0; i <= max; i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
	assert_int_equal(dpg_send(p.s, out, max + 1, CONF_SA(&p.r_addr)),
			 -EMSGSIZE);
	assert_int_equal(dpg_send(p.s, out, max, CONF_SA(&p.r_addr)), 0);
	pair_recv(st, &p, &m);
	assert_int_equal(m.len, max);
	assert_int_equal(m.flags, 0);
	assert_memory_equal(in, out, max);
	conf_assert_sa(&m.from, lo, conf_port(p.s));
	pair_expect_nothing(st, &p); /* the refused one did not go */
}

static void test_send_max_payload_v4(void **state)
{
	max_payload(state, AF_INET, "127.0.0.1", DPG_MAX_PAYLOAD4);
}

static void test_send_max_payload_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends over ::1");
	max_payload(state, AF_INET6, "::1", DPG_MAX_PAYLOAD6);
}

/* The limit follows the destination's family: 65508..65527 bytes are fine
 * for IPv6 but not for IPv4, and the refusal binds nothing. */
static void test_send_over_max_v4_is_emsgsize(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", 9);
	unsigned char *buf = conf_alloc(1u << 20);

	assert_int_equal(dpg_send(s, buf, DPG_MAX_PAYLOAD4 + 1, CONF_SA(&dst)),
			 -EMSGSIZE);
	assert_int_equal(dpg_send(s, buf, DPG_MAX_PAYLOAD6, CONF_SA(&dst)),
			 -EMSGSIZE);
	assert_int_equal(dpg_send(s, buf, 1u << 20, CONF_SA(&dst)), -EMSGSIZE);
	conf_assert_unbound(s);
}

static void test_send_over_max_v6_is_emsgsize(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_storage dst = conf_ss("::1", 9);
	unsigned char *buf = conf_alloc(DPG_MAX_PAYLOAD6 + 1);

	assert_int_equal(dpg_send(s, buf, DPG_MAX_PAYLOAD6 + 1, CONF_SA(&dst)),
			 -EMSGSIZE);
	conf_assert_unbound(s);
}

static void test_send_zero_length_is_delivered(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", conf_port(r));

	assert_int_equal(dpg_send(s, "", 0, CONF_SA(&dst)), 0);
	assert_int_equal(dpg_send(s, NULL, 0, CONF_SA(&dst)), 0);
	assert_true(conf_wait_count(st, rec, 2, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].len, 0);
	assert_int_equal(rec->msg[0].rinfo.size, 0);
	assert_int_equal(rec->msg[1].len, 0);
	conf_assert_sa(&rec->msg[0].rinfo.from, "127.0.0.1", conf_port(s));
}

static void test_send_zero_length_reaches_kernel(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage dst = conf_ss(conf_env->peer4, conf_kport(fd));
	char buf[8];

	conf_bind(s, conf_env->own4, 0);
	assert_int_equal(dpg_send(s, "", 0, CONF_SA(&dst)), 0);
	assert_int_equal(conf_krecv_poll(st, fd, buf, sizeof(buf), NULL, NULL,
					 CONF_ARRIVE_MS), 0);
	close(fd);
}

/* Node: an unbound socket binds to 0.0.0.0 / :: and a random port on its
 * first send; that port is the source of the datagram. */
static void implicit_bind(void **state, int family, const char *peer,
			  const char *wildcard)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	int fd = conf_ksock(family, peer, 0);
	struct sockaddr_storage dst = conf_ss(peer, conf_kport(fd));
	struct sockaddr_storage ss, from;
	char buf[8];

	conf_send(s, "auto", 4, CONF_SA(&dst));
	assert_int_equal(dpg_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, family);
	conf_assert_sa(&ss, wildcard, -1);
	assert_int_not_equal(conf_sa_port(&ss), 0);
	assert_int_equal(conf_krecv_poll(st, fd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 4);
	assert_memory_equal(buf, "auto", 4);
	assert_int_equal(conf_sa_port(&from), conf_sa_port(&ss));
	close(fd);
}

static void test_send_binds_implicitly_v4(void **state)
{
	implicit_bind(state, AF_INET, conf_env->peer4, "0.0.0.0");
}

static void test_send_binds_implicitly_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends to peer6");
	implicit_bind(state, AF_INET6, conf_env->peer6, "::");
}

/* Bytes and source (own address, bound port) as the kernel sees them. */
static void reaches_kernel(void **state, int family, const char *own,
			   const char *peer)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	int fd = conf_ksock(family, peer, 0);
	struct sockaddr_storage dst = conf_ss(peer, conf_kport(fd));
	struct sockaddr_storage from;
	unsigned char out[1400], in[1500];
	size_t i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(255 - i);
	conf_bind(s, own, 0);
	conf_send(s, out, sizeof(out), CONF_SA(&dst));
	assert_int_equal(conf_krecv_poll(st, fd, in, sizeof(in), &from, NULL,
					 CONF_ARRIVE_MS), sizeof(out));
	assert_memory_equal(in, out, sizeof(out));
	conf_assert_sa(&from, own, conf_port(s));
	close(fd);
}

static void test_send_reaches_kernel_v4(void **state)
{
	reaches_kernel(state, AF_INET, conf_env->own4, conf_env->peer4);
}

static void test_send_reaches_kernel_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends to peer6");
	reaches_kernel(state, AF_INET6, conf_env->own6, conf_env->peer6);
}

/* "buf is copied before the call returns": scribbling on it afterwards,
 * before any poll, changes nothing on the wire. */
static void test_send_copies_buffer(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", conf_port(r));
	char buf[32] = "original bytes";

	conf_send(s, buf, 14, CONF_SA(&dst));
	memset(buf, 'X', sizeof(buf));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].len, 14);
	assert_memory_equal(rec->msg[0].data, "original bytes", 14);
}

/* Node's send([buf1, buf2]): one datagram of the concatenation. */
/* Three iovecs (one empty) leave as one datagram, over lo of family. */
static void sendv_case(void **state, int family, const char *lo)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, family, rec, lo);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	struct sockaddr_storage dst = conf_ss(lo, conf_port(r));
	struct iovec iov[3] = {
		{ .iov_base = "Some ", .iov_len = 5 },
		{ .iov_base = "", .iov_len = 0 },
		{ .iov_base = "bytes!", .iov_len = 6 },
	};

	assert_int_equal(dpg_sendv(s, iov, 3, CONF_SA(&dst)), 0);
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, 1);
	assert_int_equal(rec->msg[0].len, 11);
	assert_int_equal(rec->msg[0].rinfo.size, 11);
	assert_memory_equal(rec->msg[0].data, "Some bytes!", 11);
}

static void test_sendv_three_iovecs_make_one_datagram(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends over ::1");
	sendv_case(state, AF_INET6, "::1");
}

static void test_sendv_three_iovecs_make_one_datagram_v4(void **state)
{
	sendv_case(state, AF_INET, "127.0.0.1");
}

static void test_sendv_zero_iovcnt_sends_empty_datagram(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", conf_port(r));
	struct iovec iov = { .iov_base = "unused", .iov_len = 6 };

	assert_int_equal(dpg_sendv(s, &iov, 0, CONF_SA(&dst)), 0);
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].len, 0);
}

static void test_sendv_bad_iovec_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", 9);
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct iovec holey = { .iov_base = NULL, .iov_len = 1 };

	assert_int_equal(dpg_sendv(s, &iov, -1, CONF_SA(&dst)), -EINVAL);
	assert_int_equal(dpg_sendv(s, NULL, 1, CONF_SA(&dst)), -EINVAL);
	assert_int_equal(dpg_sendv(s, &holey, 1, CONF_SA(&dst)), -EINVAL);
	conf_assert_unbound(s);
}

static void test_sendv_total_over_max_is_emsgsize(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", 9);
	unsigned char *buf = conf_alloc(40000);
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = 40000 },
		{ .iov_base = buf, .iov_len = DPG_MAX_PAYLOAD4 + 1 - 40000 },
	};

	assert_int_equal(dpg_sendv(s, iov, 2, CONF_SA(&dst)), -EMSGSIZE);
	iov[1].iov_len--;
	assert_int_equal(dpg_sendv(s, iov, 2, CONF_SA(&dst)), 0);
}

static void test_send_connected_null_dst_goes_to_peer(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", conf_port(r));
	struct iovec iov = { .iov_base = "v", .iov_len = 1 };

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	conf_send(s, "c", 1, NULL);
	assert_int_equal(dpg_sendv(s, &iov, 1, NULL), 0);
	assert_true(conf_wait_count(st, rec, 2, CONF_ARRIVE_MS));
	assert_memory_equal(rec->msg[0].data, "c", 1);
	assert_memory_equal(rec->msg[1].data, "v", 1);
	conf_assert_sa(&rec->msg[0].rinfo.from, "127.0.0.1", conf_port(s));
}

static const struct CMUnitTest send_tests[] = {
	CONF_TEST(test_send_unconnected_null_dst_is_edestaddrreq),
	CONF_TEST(test_send_connected_with_dst_is_eisconn),
	CONF_TEST(test_send_port_zero_is_einval),
	CONF_TEST(test_send_null_buf_with_length_is_einval),
	CONF_TEST(test_send_null_socket_is_einval),
	CONF_TEST(test_send_v4_socket_v6_dst_is_eafnosupport),
	CONF_TEST(test_send_v6_socket_v4_dst_is_eafnosupport),
	CONF_TEST(test_send_no_route_is_enetunreach_v4),
	CONF_TEST(test_send_no_route_is_enetunreach_v6),
	CONF_TEST(test_send_max_payload_v4),
	CONF_TEST(test_send_max_payload_v6),
	CONF_TEST(test_send_over_max_v4_is_emsgsize),
	CONF_TEST(test_send_over_max_v6_is_emsgsize),
	CONF_TEST(test_send_zero_length_is_delivered),
	CONF_TEST(test_send_zero_length_reaches_kernel),
	CONF_TEST(test_send_binds_implicitly_v4),
	CONF_TEST(test_send_binds_implicitly_v6),
	CONF_TEST(test_send_reaches_kernel_v4),
	CONF_TEST(test_send_reaches_kernel_v6),
	CONF_TEST(test_send_copies_buffer),
	CONF_TEST(test_sendv_three_iovecs_make_one_datagram),
	CONF_TEST(test_sendv_three_iovecs_make_one_datagram_v4),
	CONF_TEST(test_sendv_zero_iovcnt_sends_empty_datagram),
	CONF_TEST(test_sendv_bad_iovec_is_einval),
	CONF_TEST(test_sendv_total_over_max_is_emsgsize),
	CONF_TEST(test_send_connected_null_dst_goes_to_peer),
};

CONF_GROUP(conf_group_send, "send", send_tests);
