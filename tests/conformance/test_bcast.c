/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Broadcast: SO_BROADCAST semantics (Node setBroadcast). Without the flag a
 * broadcast destination is refused with EACCES (Linux udp_sendmsg and
 * ip4_datagram_connect: RTCF_BROADCAST without SOCK_BROADCAST); with it the
 * datagram is sent and, as in Linux (ip_mc_output), a copy is delivered to
 * the local sockets bound to the wildcard on that port. Receiving needs no
 * flag.
 *
 * The limited broadcast 255.255.255.255 has no route of its own in the test
 * namespace (no default route): Linux sends it out of the interface owning
 * the sender's bound address, so those senders bind to own4 first.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define LIMITED_BCAST "255.255.255.255"

static int send_to(struct dpg_socket *s, const char *ip, uint16_t port,
		   const char *msg)
{
	struct sockaddr_in dst = conf_sin(ip, port);

	return dpg_send(s, msg, strlen(msg), (struct sockaddr *)&dst);
}

/* A wildcard receiver and a sender bound to own4, both recording. */
struct pair {
	struct conf_rec *rx_rec, *tx_rec;
	struct dpg_socket *rx, *tx;
};

static struct pair open_pair(struct dpg_stack *st)
{
	struct pair p;

	p.rx_rec = conf_rec_new();
	p.tx_rec = conf_rec_new();
	p.rx = conf_rec_bound(st, AF_INET, p.rx_rec, NULL);
	p.tx = conf_rec_bound(st, AF_INET, p.tx_rec, conf_env->own4);
	return p;
}

static void close_pair(struct pair *p)
{
	assert_int_equal(dpg_close(p->tx), 0);
	assert_int_equal(dpg_close(p->rx), 0);
}

/* Without SO_BROADCAST both broadcast forms are refused; the refused call
 * sends nothing, counts nothing, and the receiver sees nothing. */
static void refused_case(void **state, const char *bcast)
{
	struct dpg_stack *st = CONF_ST(state);
	struct pair p = open_pair(st);
	struct dpg_stats before = conf_stats(st), after;

	assert_int_equal(send_to(p.tx, bcast, conf_port(p.rx), "no"), -EACCES);
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(p.rx_rec->count, 0);
	after = conf_stats(st);
	assert_int_equal(after.tx_packets, before.tx_packets);
	assert_int_equal(p.tx_rec->errors, 0);
	close_pair(&p);
}

static void bcast_limited_without_flag_eacces(void **state)
{
	refused_case(state, LIMITED_BCAST);
}

static void bcast_directed_without_flag_eacces(void **state)
{
	refused_case(state, conf_env->bcast4);
}

/* With the flag a wildcard-bound socket on the port gets the datagram, with
 * the sender's own address and port as its source. */
static void delivered_case(void **state, const char *bcast)
{
	struct dpg_stack *st = CONF_ST(state);
	struct pair p = open_pair(st);

	assert_int_equal(dpg_set_broadcast(p.tx, true), 0);
	assert_int_equal(send_to(p.tx, bcast, conf_port(p.rx), "hello-bcast"),
			 0);
	assert_true(conf_wait_count(st, p.rx_rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(p.rx_rec->msg[0].len, 11);
	assert_int_equal(p.rx_rec->msg[0].rinfo.size, 11);
	assert_memory_equal(p.rx_rec->msg[0].data, "hello-bcast", 11);
	conf_assert_sa(&p.rx_rec->msg[0].rinfo.from, conf_env->own4,
		       conf_port(p.tx));
	assert_int_equal(p.tx_rec->errors, 0);
	close_pair(&p);
}

static void bcast_limited_delivered(void **state)
{
	conf_require(CONF_CAP_BCAST, "loops a broadcast back to its sockets");
	delivered_case(state, LIMITED_BCAST);
}

static void bcast_directed_delivered(void **state)
{
	conf_require(CONF_CAP_BCAST, "loops a broadcast back to its sockets");
	delivered_case(state, conf_env->bcast4);
}

/* An unbound sender: the directed broadcast has a route, so the implicit
 * bind picks an ephemeral port and the receiver sees it as the source. */
static void bcast_directed_from_unbound(void **state)
{
	conf_require(CONF_CAP_BCAST, "loops a broadcast back to its sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rx_rec = conf_rec_new(), *tx_rec = conf_rec_new();
	struct dpg_socket *rx = conf_rec_bound(st, AF_INET, rx_rec, NULL);
	struct dpg_socket *tx = conf_rec_socket(st, AF_INET, tx_rec, NULL);

	assert_int_equal(dpg_set_broadcast(tx, true), 0);
	assert_int_equal(send_to(tx, conf_env->bcast4, conf_port(rx), "u"), 0);
	assert_true(conf_wait_count(st, rx_rec, 1, CONF_ARRIVE_MS));
	conf_assert_sa(&rx_rec->msg[0].rinfo.from, NULL, conf_port(tx));
	assert_int_equal(rx_rec->msg[0].rinfo.from.ss_family, AF_INET);
	assert_int_equal(dpg_close(tx), 0);
	assert_int_equal(dpg_close(rx), 0);
}

/* Clearing the flag restores the refusal; the datagram sent while it was
 * set is the only one that arrives. */
static void bcast_flag_cleared_eacces_again(void **state)
{
	conf_require(CONF_CAP_BCAST, "loops a broadcast back to its sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct pair p = open_pair(st);
	uint16_t port = conf_port(p.rx);

	assert_int_equal(dpg_set_broadcast(p.tx, true), 0);
	assert_int_equal(send_to(p.tx, conf_env->bcast4, port, "on"), 0);
	assert_int_equal(dpg_set_broadcast(p.tx, false), 0);
	assert_int_equal(send_to(p.tx, conf_env->bcast4, port, "off"), -EACCES);
	assert_int_equal(send_to(p.tx, LIMITED_BCAST, port, "off"), -EACCES);
	assert_true(conf_wait_count(st, p.rx_rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(p.rx_rec->count, 1);
	assert_memory_equal(p.rx_rec->msg[0].data, "on", 2);
	close_pair(&p);
}

/* send_many stops at a broadcast message when the flag is off: as the first
 * message it is the call's error, later it ends the accepted prefix. */
static void bcast_send_many_stops_at_broadcast(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct pair p = open_pair(st);
	struct sockaddr_in uni = conf_sin(conf_env->own4, conf_port(p.rx));
	struct sockaddr_in bc = conf_sin(conf_env->bcast4, conf_port(p.rx));
	const struct dpg_msg first_bad[2] = {
		{ "b", 1, (struct sockaddr *)&bc },
		{ "u", 1, (struct sockaddr *)&uni },
	};
	const struct dpg_msg second_bad[3] = {
		{ "1", 1, (struct sockaddr *)&uni },
		{ "b", 1, (struct sockaddr *)&bc },
		{ "3", 1, (struct sockaddr *)&uni },
	};

	assert_int_equal(dpg_send_many(p.tx, first_bad, 2), -EACCES);
	assert_int_equal(dpg_send_many(p.tx, second_bad, 3), 1);
	assert_true(conf_wait_count(st, p.rx_rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(p.rx_rec->count, 1);
	assert_memory_equal(p.rx_rec->msg[0].data, "1", 1);
	close_pair(&p);
}

/* Broadcasts are for sockets bound to the wildcard: of two reuse_addr
 * sockets on one port, the one bound to own4 gets no broadcast (Linux
 * matches the bound address against the destination) but gets the unicast
 * to own4, which the wildcard one then does not (the more specific bind
 * wins). */
static void bcast_not_to_unicast_bound_socket(void **state)
{
	conf_require(CONF_CAP_BCAST, "loops a broadcast back to its sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket_opts reuse = { .reuse_addr = true };
	struct conf_rec *wild_rec = conf_rec_new(), *own_rec = conf_rec_new();
	struct dpg_socket *wild = conf_rec_socket(st, AF_INET, wild_rec,
						  &reuse);
	struct dpg_socket *own = conf_rec_socket(st, AF_INET, own_rec, &reuse);
	struct dpg_socket *tx = conf_socket(st, AF_INET, NULL);
	uint16_t port;

	conf_bind(wild, "0.0.0.0", 0);
	port = conf_port(wild);
	conf_bind(own, conf_env->own4, port);
	assert_int_equal(dpg_set_broadcast(tx, true), 0);
	assert_int_equal(send_to(tx, conf_env->bcast4, port, "bcast"), 0);
	assert_true(conf_wait_count(st, wild_rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(own_rec->count, 0);
	assert_int_equal(send_to(tx, conf_env->own4, port, "uni"), 0);
	assert_true(conf_wait_count(st, own_rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(wild_rec->count, 1);
	assert_memory_equal(own_rec->msg[0].data, "uni", 3);
	assert_int_equal(dpg_close(tx), 0);
	assert_int_equal(dpg_close(own), 0);
	assert_int_equal(dpg_close(wild), 0);
}

/* A plain kernel socket on 0.0.0.0:port (no SO_BROADCAST: receiving does
 * not need it) gets the stack's broadcast. */
static void kernel_rx_case(void **state, const char *bcast)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *tx_rec = conf_rec_new();
	struct dpg_socket *tx = conf_rec_bound(st, AF_INET, tx_rec,
					       conf_env->own4);
	int kfd = conf_ksock(AF_INET, "0.0.0.0", 0);
	struct sockaddr_storage from;
	char buf[64];

	assert_int_equal(dpg_set_broadcast(tx, true), 0);
	assert_int_equal(send_to(tx, bcast, conf_kport(kfd), "to-kernel"), 0);
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 9);
	assert_memory_equal(buf, "to-kernel", 9);
	conf_assert_sa(&from, conf_env->own4, conf_port(tx));
	close(kfd);
	assert_int_equal(dpg_close(tx), 0);
}

static void bcast_directed_kernel_receiver(void **state)
{
	kernel_rx_case(state, conf_env->bcast4);
}

static void bcast_limited_kernel_receiver(void **state)
{
	kernel_rx_case(state, LIMITED_BCAST);
}

/* A broadcast from the kernel peer (sent out of the peer's side of the
 * link) reaches a wildcard socket on the port, from peer4, and not the
 * socket of the same port bound to own4. On the kernel backend both ends of
 * the link are the host's, so the wildcard socket may also get the copy
 * the sending interface loops back: at least one arrives. */
static void bcast_kernel_sender_reaches_wildcard(void **state)
{
	conf_require(CONF_CAP_BCAST, "receives a broadcast");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket_opts reuse = { .reuse_addr = true };
	struct conf_rec *wild_rec = conf_rec_new(), *own_rec = conf_rec_new();
	struct dpg_socket *wild = conf_rec_socket(st, AF_INET, wild_rec, &reuse);
	struct dpg_socket *own = conf_rec_socket(st, AF_INET, own_rec, &reuse);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	char dev[IF_NAMESIZE];
	uint16_t port;
	int one = 1;

	conf_bind(wild, "0.0.0.0", 0);
	port = conf_port(wild);
	conf_bind(own, conf_env->own4, port);
	assert_non_null(if_indextoname(conf_ifindex_of(conf_env->peer4), dev));
	assert_int_equal(setsockopt(kfd, SOL_SOCKET, SO_BROADCAST, &one,
				    sizeof(one)), 0);
	assert_int_equal(setsockopt(kfd, SOL_SOCKET, SO_BINDTODEVICE, dev,
				    (socklen_t)strlen(dev)), 0);
	{
		struct sockaddr_in dst = conf_sin(conf_env->bcast4, port);

		conf_ksend(kfd, "from-kernel", 11, (struct sockaddr *)&dst);
	}
	assert_true(conf_wait_count(st, wild_rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_memory_equal(wild_rec->msg[0].data, "from-kernel", 11);
	conf_assert_sa(&wild_rec->msg[0].rinfo.from, conf_env->peer4,
		       conf_kport(kfd));
	assert_int_equal(own_rec->count, 0);
	close(kfd);
	assert_int_equal(dpg_close(own), 0);
	assert_int_equal(dpg_close(wild), 0);
}

/* connect() to a broadcast address meets the same check as send (Linux
 * ip4_datagram_connect: EACCES, and Node's connect reports it); with the
 * flag set, sends on the connected socket reach the receivers. */
static void bcast_connect_needs_flag(void **state)
{
	conf_require(CONF_CAP_BCAST, "loops a broadcast back to its sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct pair p = open_pair(st);
	struct sockaddr_in bc = conf_sin(conf_env->bcast4, conf_port(p.rx));
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(p.tx, (struct sockaddr *)&bc), -EACCES);
	assert_int_equal(dpg_remote_address(p.tx, &ss), -ENOTCONN);
	assert_int_equal(dpg_set_broadcast(p.tx, true), 0);
	assert_int_equal(dpg_connect(p.tx, (struct sockaddr *)&bc), 0);
	assert_int_equal(dpg_send(p.tx, "conn", 4, NULL), 0);
	assert_true(conf_wait_count(st, p.rx_rec, 1, CONF_ARRIVE_MS));
	assert_memory_equal(p.rx_rec->msg[0].data, "conn", 4);
	close_pair(&p);
}

static const struct CMUnitTest tests[] = {
	CONF_TEST(bcast_limited_without_flag_eacces),
	CONF_TEST(bcast_directed_without_flag_eacces),
	CONF_TEST(bcast_limited_delivered),
	CONF_TEST(bcast_directed_delivered),
	CONF_TEST(bcast_directed_from_unbound),
	CONF_TEST(bcast_flag_cleared_eacces_again),
	CONF_TEST(bcast_send_many_stops_at_broadcast),
	CONF_TEST(bcast_not_to_unicast_bound_socket),
	CONF_TEST(bcast_directed_kernel_receiver),
	CONF_TEST(bcast_limited_kernel_receiver),
	CONF_TEST(bcast_kernel_sender_reaches_wildcard),
	CONF_TEST(bcast_connect_needs_flag),
};

CONF_GROUP(conf_group_bcast, "bcast", tests);
