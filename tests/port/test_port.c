/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The port layer against real PMDs, in a network namespace of its own:
 * a net_tap port (interface dpgt0, the kernel as the peer) and a ringpair
 * (two ports back to back). EAL is set up once for the whole group, as in
 * a program; every test leaves every pool full. Needs root and
 * /dev/net/tun (exit 77 otherwise).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "port/env.h"
#include "port/port.h"

#define EXIT_SKIP 77
#define RX_WAIT_MS 2000
#define ETHER_TYPE_TEST 0x88b5   /* IEEE 802 local experimental */
#define TAP_IF "dpgt0"

/* port0: net_tap, two queues; port1/port2: the two ends of a ringpair
 * whose a->b ring holds 8 frames, to see the driver refuse. */
static const char config_text[] =
	"[eal]\n"
	"args = --no-huge -m 256 --no-pci --no-shconf --vdev=net_tap0,iface=" TAP_IF "\n"
	"link_wait_ms = 2000\n"
	"[pool]\n"
	"mbufs = 2047\n"
	"cache = 32\n"
	"[port0]\n"
	"device = net_tap0\n"
	"ipv4 = 198.18.0.2/24\n"
	"ipv6 = fd00:dc::2/64\n"
	"queues = 2\n"
	"rxq_desc = 256\n"
	"[port1]\n"
	"device = ringpair:pt:a\n"
	"ipv4 = 198.18.1.2/24\n"
	"txq_desc = 8\n"
	"[port2]\n"
	"device = ringpair:pt:b\n"
	"ipv4 = 198.18.1.1/24\n"
	"txq_desc = 512\n";

static char cfg_path[] = "/tmp/dpgram-test-port-XXXXXX";
static struct dpg_config cfg;
static struct rte_mempool *pool_a, *pool_b, *pool_c;

static const struct port_cfg *tap_cfg = &cfg.port[0];
static const struct port_cfg *ring_a = &cfg.port[1];
static const struct port_cfg *ring_b = &cfg.port[2];

/* Whether the output of cmd contains text. */
static bool sh_has(const char *cmd, const char *text)
{
	char out[8192] = "";
	size_t n;
	FILE *f = popen(cmd, "r");

	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	return strstr(out, text) != NULL;
}

static void assert_full(struct rte_mempool *mp)
{
	assert_int_equal(rte_mempool_avail_count(mp), cfg.mbufs);
}

static struct rte_mbuf *test_frame(struct rte_mempool *mp, const struct port *from,
				   const struct port *to, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eh;

	assert_non_null(m);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(eh, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	eh->dst_addr = to->mac;
	eh->src_addr = from->mac;
	eh->ether_type = htons(ETHER_TYPE_TEST);
	memcpy(eh + 1, &seq, sizeof(seq));
	return m;
}

static uint32_t frame_seq(struct rte_mbuf *m)
{
	uint32_t seq;

	memcpy(&seq, rte_pktmbuf_mtod(m, struct rte_ether_hdr *) + 1, sizeof(seq));
	return seq;
}

/* Receive up to n frames within RX_WAIT_MS (n at most 64). */
static unsigned rx_wait(struct port *p, struct rte_mbuf **m, unsigned n)
{
	unsigned got = 0;

	for (unsigned ms = 0; got < n && ms < RX_WAIT_MS; ms++) {
		got += port_rx(p, m + got, (uint16_t)(n - got));
		if (got < n)
			usleep(1000);
	}
	return got;
}

static int group_setup(void **state)
{
	int fd = mkstemp(cfg_path);
	char msg[1024];

	(void)state;
	if (fd < 0 || write(fd, config_text, strlen(config_text)) != (ssize_t)strlen(config_text))
		return -1;
	close(fd);
	if (config_load(cfg_path, &cfg, msg, sizeof(msg)) != 0) {
		print_error("%s\n", msg);
		return -1;
	}
	return 0;
}

/* The first init of the process: EAL from [eal] args plus the program's
 * own, a failed port setup undone, then the real one. */
static void test_env_init(void **state)
{
	struct dpg_config bad = cfg;
	char *extra[] = { "--log-level=lib.eal:notice" };
	char want[512];

	(void)state;
	snprintf(bad.port[2].device, sizeof(bad.port[2].device), "net_nope0");
	assert_int_equal(port_env_init(&bad, 1, extra), -ENODEV);
	snprintf(want, sizeof(want), "net_nope0: no such device (is it in [eal] args of %s?)",
		 cfg_path);
	assert_string_equal(port_env_error(), want);
	/* the ringpair that failed setup created is gone: its names are free */
	assert_int_equal(port_env_init(&cfg, 0, NULL), 0);

	pool_a = port_pool_create("pt_a", &cfg);
	pool_b = port_pool_create("pt_b", &cfg);
	pool_c = port_pool_create_priv("pt_c", &cfg, 20);
	assert_non_null(pool_a);
	assert_non_null(pool_b);
	assert_non_null(pool_c);
	/* the kernel's side of the tap, as a test or a user would set it */
	assert_int_equal(system("ip addr add 198.18.0.1/24 dev " TAP_IF " && "
				"ip -6 addr add fd00:dc::1/64 dev " TAP_IF " nodad"), 0);
}

static int group_teardown(void **state)
{
	(void)state;
	rte_mempool_free(pool_a);
	rte_mempool_free(pool_b);
	rte_mempool_free(pool_c);
	port_env_shutdown();
	unlink(cfg_path);
	return 0;
}

/* Later inits: the same ports are fine, others are -EBUSY. */
static void test_env_again(void **state)
{
	struct dpg_config other = cfg;

	(void)state;
	assert_int_equal(port_env_init(&cfg, 0, NULL), 0);
	snprintf(other.port[0].device, sizeof(other.port[0].device), "net_null0");
	assert_int_equal(port_env_init(&other, 0, NULL), -EBUSY);
	assert_non_null(strstr(port_env_error(), "net_null0: not among the ports"));
	other = cfg;
	other.port[1].queues = 2;
	assert_int_equal(port_env_init(&other, 0, NULL), -EBUSY);
	assert_non_null(strstr(port_env_error(), "ringpair:pt:a: set up by"));
	other = cfg;
	other.nports = 2;
	assert_int_equal(port_env_init(&other, 0, NULL), -EBUSY);
}

static void test_pool(void **state)
{
	struct dpg_config def = { .mbufs = 8191, .mbuf_cache = 256,
				  .mbuf_data = RTE_MBUF_DEFAULT_BUF_SIZE };
	struct rte_mempool *mp[2];

	(void)state;
	assert_full(pool_a);
	assert_int_equal(rte_pktmbuf_data_room_size(pool_a), RTE_MBUF_DEFAULT_BUF_SIZE);
	assert_int_equal(rte_pktmbuf_priv_size(pool_c), 24);   /* 20, 8-byte aligned */
	/* two default-sized pools (8191 mbufs) fit in --no-huge -m 256 */
	mp[0] = port_pool_create("pt_def0", &def);
	mp[1] = port_pool_create("pt_def1", &def);
	assert_non_null(mp[0]);
	assert_non_null(mp[1]);
	assert_int_equal(rte_mempool_avail_count(mp[1]), 8191);
	assert_null(port_pool_create("pt_def0", &def));   /* the name is taken */
	rte_mempool_free(mp[0]);
	rte_mempool_free(mp[1]);
}

static void test_ring_frame(void **state)
{
	struct port a = { 0 }, b = { 0 };
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(port_open(&a, ring_a, pool_a), 0);
	assert_int_equal(port_open(&b, ring_b, pool_b), 0);
	assert_int_equal(a.queue, 0);
	assert_string_equal(a.ifname, "port1");
	assert_int_equal(a.ifindex, 1000u + a.port_id);
	assert_int_equal(b.ifindex, 1000u + b.port_id);
	assert_false(rte_is_same_ether_addr(&a.mac, &b.mac));
	assert_ptr_equal(a.rx_pool, pool_a);
	assert_int_equal(a.mtu, 1500);

	assert_int_equal(port_tx(&a, test_frame(pool_a, &a, &b, 42)), 0);
	assert_int_equal(port_tx_room(&a), PORT_TXB - 1);
	assert_int_equal(port_rx(&b, &m, 1), 0);   /* buffered until the flush */
	assert_int_equal(port_flush(&a), 1);
	assert_int_equal(a.ntx, 0);
	assert_int_equal(rx_wait(&b, &m, 1), 1);
	assert_int_equal(frame_seq(m), 42);
	assert_ptr_equal(m->pool, pool_a);   /* the sender's mbuf crossed */
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr,
					   &a.mac));
	rte_pktmbuf_free(m);

	/* and back */
	assert_int_equal(port_tx(&b, test_frame(pool_b, &b, &a, 7)), 0);
	assert_int_equal(port_flush(&b), 1);
	assert_int_equal(rx_wait(&a, &m, 1), 1);
	assert_int_equal(frame_seq(m), 7);
	rte_pktmbuf_free(m);

	port_close(&a);
	port_close(&b);
	port_close(&b);   /* closing twice does nothing */
	assert_full(pool_a);
	assert_full(pool_b);
}

/* Fill what the a->b ring (8) and the tx buffer (64) hold, until -EAGAIN. */
static unsigned fill(struct port *a, const struct port *b, uint32_t first)
{
	unsigned n = 0;

	for (; n < 200; n++) {
		struct rte_mbuf *m = test_frame(pool_a, a, b, first + n);

		if (port_tx(a, m) != 0) {
			rte_pktmbuf_free(m);   /* refused: still the caller's */
			break;
		}
	}
	return n;
}

static void test_tx_backpressure(void **state)
{
	struct port a = { 0 }, b = { 0 };
	struct rte_mbuf *m[64];
	uint32_t next = 0;

	(void)state;
	assert_int_equal(port_open(&a, ring_a, pool_a), 0);
	assert_int_equal(port_open(&b, ring_b, pool_b), 0);
	assert_int_equal(fill(&a, &b, 0), 8 + PORT_TXB);
	assert_int_equal(port_tx_room(&a), 0);
	assert_int_equal(port_flush(&a), 0);   /* the ring is still full */

	/* what stayed buffered leaves in order as the peer reads */
	for (unsigned round = 0; round < 20 && next < 8 + PORT_TXB; round++) {
		unsigned n = rx_wait(&b, m, 8);

		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(frame_seq(m[i]), next++);
			rte_pktmbuf_free(m[i]);
		}
		port_flush(&a);
	}
	assert_int_equal(next, 8 + PORT_TXB);
	assert_int_equal(a.ntx, 0);

	/* close with a full buffer and a full ring: all of it comes back */
	assert_int_equal(fill(&a, &b, 1000), 8 + PORT_TXB);
	port_close(&a);
	assert_full(pool_a);
	assert_int_equal(port_rx(&b, m, 64), 0);   /* nothing stale left on the wire */
	port_close(&b);
	assert_full(pool_b);
}

static void test_queue_busy(void **state)
{
	struct port a = { 0 }, a2 = { 0 }, t[3] = { 0 };

	(void)state;
	assert_int_equal(port_open(&a, ring_a, pool_a), 0);
	assert_int_equal(port_open(&a2, ring_a, pool_b), -EBUSY);
	assert_non_null(strstr(port_env_error(), "ringpair:pt:a: all 1 queues in use"));
	port_close(&a);
	assert_int_equal(port_open(&a2, ring_a, pool_b), 0);
	port_close(&a2);

	assert_int_equal(port_open(&t[0], tap_cfg, pool_a), 0);
	assert_int_equal(port_open(&t[1], tap_cfg, pool_b), 0);
	assert_int_equal(t[1].queue, 1);
	assert_int_equal(port_open(&t[2], tap_cfg, pool_c), -EBUSY);
	port_close(&t[0]);
	port_close(&t[1]);
	assert_full(pool_a);
	assert_full(pool_b);

	assert_int_equal(port_open(&a, &(struct port_cfg){ .device = "net_nope0" }, pool_a),
			 -ENODEV);
}

/* A pool ethdev refuses (not a pktmbuf pool): the open fails, changes
 * nothing, and the queue serves the next stack. */
static void test_open_refused(void **state)
{
	struct rte_mempool *mp;
	struct port t = { 0 };

	(void)state;
	mp = rte_mempool_create("pt_raw", 511, 2048, 0, 0, NULL, NULL, NULL, NULL,
				SOCKET_ID_ANY, 0);
	assert_non_null(mp);
	assert_int_equal(port_open(&t, tap_cfg, mp), -ENOSPC);
	assert_non_null(strstr(port_env_error(), "net_tap0: rx queue 0 cannot take pool pt_raw"));
	assert_null(t.cfg);
	assert_int_equal(rte_mempool_avail_count(mp), 511);
	rte_mempool_free(mp);
	assert_int_equal(port_open(&t, tap_cfg, pool_a), 0);
	assert_int_equal(t.queue, 0);
	port_close(&t);
	assert_full(pool_a);
	assert_true(sh_has("ip link show dev " TAP_IF, ",UP"));
}

/* The kernel sends a datagram to 198.18.0.2: its ARP request arrives on a
 * tap queue, the stack's ARP reply goes back through the tap, and the
 * kernel then sends the datagram itself. */
static void kernel_send(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
	assert_int_equal(sendto(s, "dpgram", 6, 0, (struct sockaddr *)&to, sizeof(to)), 6);
	close(s);
}

/* The first frame of that ethertype on either queue; others are freed
 * (the kernel sends IPv6 and MLD traffic of its own). */
static struct rte_mbuf *tap_wait(struct port *q0, struct port *q1, uint16_t type)
{
	for (unsigned ms = 0; ms < RX_WAIT_MS; ms++) {
		struct port *q = ms % 2 ? q1 : q0;
		struct rte_mbuf *m;

		while (port_rx(q, &m, 1) == 1) {
			if (rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type == htons(type))
				return m;
			rte_pktmbuf_free(m);
		}
		usleep(1000);
	}
	return NULL;
}

static struct rte_mbuf *arp_reply(struct port *p, const struct rte_arp_hdr *req)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool_a);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eh) + sizeof(*ah));
	ah = (struct rte_arp_hdr *)(eh + 1);
	eh->dst_addr = req->arp_data.arp_sha;
	eh->src_addr = p->mac;
	eh->ether_type = htons(RTE_ETHER_TYPE_ARP);
	*ah = *req;
	ah->arp_opcode = htons(RTE_ARP_OP_REPLY);
	ah->arp_data.arp_sha = p->mac;
	ah->arp_data.arp_sip = req->arp_data.arp_tip;
	ah->arp_data.arp_tha = req->arp_data.arp_sha;
	ah->arp_data.arp_tip = req->arp_data.arp_sip;
	return m;
}

static void test_tap(void **state)
{
	struct port t0 = { 0 }, t1 = { 0 };
	struct rte_mbuf *m;
	struct rte_arp_hdr *req;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_udp_hdr *uh;

	(void)state;
	assert_int_equal(port_open(&t0, tap_cfg, pool_a), 0);
	assert_int_equal(port_open(&t1, tap_cfg, pool_b), 0);
	assert_int_equal(t0.ifindex, if_nametoindex(TAP_IF));
	assert_string_equal(t0.ifname, TAP_IF);
	assert_true(t0.tx_ip4_cksum && t0.tx_udp_cksum);   /* net_tap offers both */
	/* the tap queue holds rx mbufs of the stack's own pool */
	assert_true(rte_mempool_avail_count(pool_a) < cfg.mbufs);
	assert_ptr_equal(t0.rx_pool, pool_a);

	kernel_send();
	m = tap_wait(&t0, &t1, RTE_ETHER_TYPE_ARP);
	assert_non_null(m);
	assert_true(m->pool == pool_a || m->pool == pool_b);
	req = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));
	assert_int_equal(req->arp_opcode, htons(RTE_ARP_OP_REQUEST));
	assert_int_equal(req->arp_data.arp_tip, cfg.port[0].ip4);
	assert_int_equal(port_tx(&t0, arp_reply(&t0, req)), 0);
	rte_pktmbuf_free(m);
	assert_int_equal(port_flush(&t0), 1);

	m = tap_wait(&t0, &t1, RTE_ETHER_TYPE_IPV4);
	assert_non_null(m);
	uh = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
				     sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr));
	assert_int_equal(uh->dst_port, htons(9));
	assert_memory_equal(uh + 1, "dpgram", 6);
	rte_pktmbuf_free(m);
	rte_ether_format_addr(mac, sizeof(mac), &t0.mac);
	for (char *c = mac; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);   /* as ip prints it */
	assert_true(sh_has("ip neigh show 198.18.0.2 dev " TAP_IF, mac));

	port_close(&t1);
	port_close(&t0);
	assert_full(pool_a);
	assert_full(pool_b);
	/* the interface and the kernel's addresses survive stack close */
	assert_int_equal(t0.ifindex, if_nametoindex(TAP_IF));
	assert_true(sh_has("ip -4 addr show dev " TAP_IF, "198.18.0.1/24"));
	assert_true(sh_has("ip -6 addr show dev " TAP_IF, "fd00:dc::1/64"));
	assert_true(sh_has("ip link show dev " TAP_IF, ",UP"));
}

static struct rte_ether_addr mc_n(unsigned i)
{
	return (struct rte_ether_addr){ { 0x33, 0x33, 0xff, 0, (uint8_t)(i >> 8), (uint8_t)i } };
}

/* One stack's multicast list: counted, bounded, checked, and emptied by
 * port_close. On the ring pair (no list in net_ring) the device goes
 * allmulticast while the list is not empty. */
static void test_mc(void **state)
{
	const struct rte_ether_addr g = { { 0x33, 0x33, 0, 0, 0, 1 } };
	const struct rte_ether_addr uc = { { 0x02, 0, 0, 0, 0, 1 } };
	const struct rte_ether_addr bc = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct port a = { 0 };
	struct env_port *ep;
	struct rte_ether_addr mac;

	(void)state;
	assert_int_equal(port_mc_add(&a, &g), -EINVAL);   /* not open */
	assert_int_equal(port_open(&a, ring_a, pool_a), 0);
	ep = env_find(ring_a->device);
	assert_non_null(ep);
	assert_false(a.mc_filter);
	assert_int_equal(port_mc_add(&a, &uc), -EINVAL);
	assert_int_equal(port_mc_add(&a, &bc), -EINVAL);
	assert_int_equal(port_mc_del(&a, &g), -ENOENT);
	assert_false(port_mc_has(&a, &g));

	assert_int_equal(port_mc_add(&a, &g), 0);
	assert_int_equal(port_mc_add(&a, &g), 0);
	assert_true(port_mc_has(&a, &g));
	assert_int_equal(ep->nmc, 1);
	assert_int_equal(ep->mc[0].refs, 1);   /* one stack, however often */
	assert_true(ep->mc_allmulti);
	assert_int_equal(port_mc_del(&a, &g), 0);
	assert_true(port_mc_has(&a, &g));      /* added twice */
	assert_int_equal(port_mc_del(&a, &g), 0);
	assert_false(port_mc_has(&a, &g));
	assert_int_equal(port_mc_del(&a, &g), -ENOENT);
	assert_int_equal(ep->nmc, 0);
	assert_false(ep->mc_allmulti);

	for (unsigned i = 0; i < PORT_MC_MAX; i++) {
		mac = mc_n(i);
		assert_int_equal(port_mc_add(&a, &mac), 0);
	}
	mac = mc_n(PORT_MC_MAX);
	assert_int_equal(port_mc_add(&a, &mac), -ENOSPC);
	assert_false(port_mc_has(&a, &mac));
	mac = mc_n(PORT_MC_MAX - 1);
	assert_true(port_mc_has(&a, &mac));
	assert_int_equal(ep->nmc, PORT_MC_MAX);
	port_close(&a);
	assert_int_equal(a.nmc, 0);
	assert_int_equal(ep->nmc, 0);
	assert_false(ep->mc_allmulti);
	assert_full(pool_a);
}

/* Two stacks on one net_tap port (a PMD with a list): the device's list
 * is the union of theirs, each MAC there once, until the last stack
 * deletes it or closes; reopening a queue restarts the port, which keeps
 * the list. */
static void test_mc_shared(void **state)
{
	const struct rte_ether_addr g1 = { { 0x33, 0x33, 0, 0, 0, 1 } };
	const struct rte_ether_addr g2 = { { 0x01, 0x00, 0x5e, 0, 0, 0xfb } };
	struct port t0 = { 0 }, t1 = { 0 };
	struct env_port *ep = env_find(tap_cfg->device);

	(void)state;
	assert_non_null(ep);
	assert_int_equal(port_open(&t0, tap_cfg, pool_a), 0);
	assert_true(t0.mc_filter);
	assert_int_equal(port_mc_add(&t0, &g1), 0);
	assert_int_equal(port_open(&t1, tap_cfg, pool_b), 0);
	assert_int_equal(port_mc_add(&t1, &g1), 0);
	assert_int_equal(port_mc_add(&t1, &g2), 0);
	assert_int_equal(ep->nmc, 2);
	assert_false(ep->mc_allmulti);
	assert_false(port_mc_has(&t0, &g2));   /* each stack its own */
	assert_true(port_mc_has(&t1, &g2));

	assert_int_equal(port_mc_del(&t0, &g1), 0);
	assert_int_equal(ep->nmc, 2);          /* t1 still has g1 */
	assert_false(port_mc_has(&t0, &g1));
	assert_true(port_mc_has(&t1, &g1));
	port_close(&t1);                       /* with g1 and g2 left in */
	assert_int_equal(ep->nmc, 0);
	port_close(&t0);
	assert_full(pool_a);
	assert_full(pool_b);
}

/* Stacks come and go, the ports stay: two rounds of open, use, close. */
static void test_cycles(void **state)
{
	(void)state;
	for (int round = 0; round < 2; round++) {
		struct port t = { 0 }, a = { 0 }, b = { 0 };
		struct rte_mbuf *m;

		assert_int_equal(port_open(&t, tap_cfg, pool_c), 0);
		assert_int_equal(port_open(&a, ring_a, pool_a), 0);
		assert_int_equal(port_open(&b, ring_b, pool_b), 0);
		assert_int_equal(port_tx(&a, test_frame(pool_a, &a, &b, (uint32_t)round)), 0);
		assert_int_equal(port_flush(&a), 1);
		assert_int_equal(rx_wait(&b, &m, 1), 1);
		assert_int_equal(frame_seq(m), round);
		rte_pktmbuf_free(m);
		/* one frame left in flight towards b, one in a's buffer */
		assert_int_equal(port_tx(&a, test_frame(pool_a, &a, &b, 99)), 0);
		assert_int_equal(port_flush(&a), 1);
		assert_int_equal(port_tx(&a, test_frame(pool_a, &a, &b, 100)), 0);
		port_close(&b);
		port_close(&a);
		port_close(&t);
		assert_full(pool_a);
		assert_full(pool_b);
		assert_full(pool_c);
		assert_true(if_nametoindex(TAP_IF) != 0);
	}
}

static void test_shutdown(void **state)
{
	(void)state;
	rte_mempool_free(pool_a);
	rte_mempool_free(pool_b);
	rte_mempool_free(pool_c);
	pool_a = pool_b = pool_c = NULL;
	port_env_shutdown();
	assert_int_equal(if_nametoindex(TAP_IF), 0);   /* net_tap removed it */
	port_env_shutdown();                           /* a second time: nothing */
	assert_int_equal(port_env_init(&cfg, 0, NULL), -ESHUTDOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_init),
		cmocka_unit_test(test_env_again),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_ring_frame),
		cmocka_unit_test(test_tx_backpressure),
		cmocka_unit_test(test_queue_busy),
		cmocka_unit_test(test_open_refused),
		cmocka_unit_test(test_tap),
		cmocka_unit_test(test_mc),
		cmocka_unit_test(test_mc_shared),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_shutdown),
	};

	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0) {
		printf("test_port: needs root and /dev/net/tun; skipping\n");
		return EXIT_SKIP;
	}
	/* the tap interface lives and dies in a namespace of this process */
	if (unshare(CLONE_NEWNET) != 0) {
		printf("test_port: unshare(CLONE_NEWNET): %s; skipping\n", strerror(errno));
		return EXIT_SKIP;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
