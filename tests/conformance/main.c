/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The conformance runner: for each backend in conf_backends[] it enters a
 * fresh private network namespace, builds that backend's network (conf.h;
 * for dpdk this opens the first stack, which creates dpg0), then runs every
 * test group as a cmocka group named "<backend>/<group>".
 *
 * Usage: conformance [FILTER]   FILTER: run only groups whose name contains
 * it ("kernel/", "bind"); a backend none of whose groups match is not set
 * up at all. cmocka's own environment (CMOCKA_MESSAGE_OUTPUT,
 * CMOCKA_TEST_ABORT, CMOCKA_XML_FILE) is read by cmocka and left alone;
 * DPGRAM_CONF_ALL_CAPS=1 runs the tests marked with conf_require() too.
 * Exit: 0 all passed, 1 a test failed, a backend could not open its first
 * stack, or no group matched, 2 usage, 77 skipped (not root, no right to
 * unshare, or every matching backend skipped: dpdk not built), 99 the
 * network could not be built.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"

#define EXIT_SKIP 77
#define EXIT_HARD_ERROR 99

extern const struct conf_group conf_group_create, conf_group_bind,
	conf_group_connect, conf_group_send, conf_group_send_many,
	conf_group_recv, conf_group_close, conf_group_options;
extern const struct conf_group conf_group_bcast, conf_group_ttl_wire,
	conf_group_mcast, conf_group_backpressure, conf_group_icmp,
	conf_group_dualstack;

static const struct conf_group *const conf_groups[] = {
	&conf_group_create, &conf_group_bind, &conf_group_connect,
	&conf_group_send, &conf_group_send_many, &conf_group_recv,
	&conf_group_close, &conf_group_options,
	&conf_group_bcast, &conf_group_ttl_wire, &conf_group_mcast,
	&conf_group_backpressure, &conf_group_icmp, &conf_group_dualstack,
};

/* The addresses every backend sees: the networks below. The sink and the
 * interface differ (each line adds its own). */
#define CONF_ADDRS                                                      \
	.own4 = "198.18.0.2", .own6 = "fd00:dc::2",                     \
	.peer4 = "198.18.0.1", .peer6 = "fd00:dc::1",                   \
	.not_owned4 = "198.18.0.99", .not_owned6 = "fd00:dc::99",       \
	.bcast4 = "198.18.0.255",                                       \
	.other_own4 = "198.18.1.2", .other_own6 = "fd00:dc:1::2",       \
	.other_ifname = "dpgc1",                                        \
	.unrouted4 = "198.19.255.1", .unrouted6 = "fd00:ff::1"

/* What the DPDK backend does not have yet, and the issue that brings it. */
#define CONF_DPDK_TODO                                                  \
	.cap_todo = { [CONF_CAPB_FRAG] = "issue 6" }

/* The MAC address dpdk.ini gives the stack's port (net_tap's mac=). */
#define CONF_DPDK_MAC "02:00:00:00:00:02"

static int conf_net_kernel(const struct conf_env *env);
static int conf_net_dpdk(const struct conf_env *env);
static void conf_dpdk_opened(const struct conf_env *env);

/* kernel: the veth network of conf.h, with a slow sink behind dpgc0.
 * dpdk: the stack owns own4/own6 on the net_tap port0 of dpdk.ini and the
 * kernel peer sits on dpg0, the other side of the tap. The sink is that
 * peer: sends wait in the stack until dpg_poll() flushes them, so a small
 * send buffer gives -EAGAIN without a slow link. The second interface is
 * port2, a second net_tap whose kernel side is dpgc1 (other_ifname): the
 * stack owns other_own4/6 on it. cfg2 (a second stack beside the first)
 * has port1, a net_null. */
static const struct conf_env conf_backends[] = {
	{ .name = "kernel", .cfg = { .backend = "kernel" }, CONF_ADDRS,
	  .sink4 = "198.18.0.3", .sink6 = "fd00:dc::3", .ifname = "dpgc0",
	  .caps = CONF_CAP_ALL, .network = conf_net_kernel },
	{ .name = "dpdk", .cfg = { .backend = "dpdk",
				   .config_file = CONF_SRCDIR "/dpdk.ini",
				   .ports = "port0,port2" },
	  .cfg2 = { .backend = "dpdk", .config_file = CONF_SRCDIR "/dpdk.ini",
		    .ports = "port1" },
	  CONF_ADDRS, .sink4 = "198.18.0.1", .sink6 = "fd00:dc::1",
	  .ifname = "dpg0",
	  .caps = CONF_CAP_IPV6 | CONF_CAP_MCAST | CONF_CAP_BCAST,
	  CONF_DPDK_TODO,
	  .network = conf_net_dpdk, .stack_opened = conf_dpdk_opened },
};

#define CONF_NBACKENDS (sizeof(conf_backends) / sizeof(conf_backends[0]))

bool conf_has_backend(const char *name)
{
	size_t i;

	for (i = 0; i < CONF_NBACKENDS; i++)
		if (strcmp(conf_backends[i].name, name) == 0)
			return true;
	return false;
}

/* Run one shell command of the network setup; any failure ends the run,
 * since every test after it would fail for a reason that is not dpgram's. */
static void conf_sh(const char *cmd)
{
	int rc;

	fflush(stdout);
	fflush(stderr);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
		fprintf(stderr,
			"conformance: network setup failed (%s %d): %s\n",
			rc != -1 && WIFEXITED(rc) ? "exit" : "status",
			rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : rc, cmd);
		exit(EXIT_HARD_ERROR);
	}
}

static void conf_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(value);

	if (fd < 0 || write(fd, value, len) != (ssize_t)len) {
		fprintf(stderr, "conformance: cannot write %s to %s: %s\n",
			value, path, strerror(errno));
		exit(EXIT_HARD_ERROR);
	}
	close(fd);
}

/* Before any link exists, so that every link inherits it: no DAD delay
 * before IPv6 addresses (link-local included) are usable, and no router
 * solicitations on the wire. */
static void conf_ipv6_defaults(void)
{
	conf_sysctl("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	conf_sysctl("/proc/sys/net/ipv6/conf/default/dad_transmits", "0");
	conf_sysctl("/proc/sys/net/ipv6/conf/default/router_solicitations",
		    "0");
	conf_sysctl("/proc/sys/net/ipv6/conf/default/accept_ra", "0");
}

/* The kernel backend's network of conf.h's top comment. */
static int conf_net_kernel(const struct conf_env *env)
{
	(void)env;
	conf_ipv6_defaults();
	conf_sh("ip link set lo up");
	conf_sh("ip link add dpgc0 type veth peer name dpgc0p");
	conf_sh("ip link add dpgc1 type veth peer name dpgc1p");
	conf_sh("ip addr add 198.18.0.2/24 dev dpgc0");
	conf_sh("ip -6 addr add fd00:dc::2/64 dev dpgc0 nodad");
	conf_sh("ip addr add 198.18.0.1/24 dev dpgc0p");
	conf_sh("ip -6 addr add fd00:dc::1/64 dev dpgc0p nodad");
	conf_sh("ip addr add 198.18.1.2/24 dev dpgc1");
	conf_sh("ip -6 addr add fd00:dc:1::2/64 dev dpgc1 nodad");
	conf_sh("ip link set dpgc0 up");
	conf_sh("ip link set dpgc0p up");
	conf_sh("ip link set dpgc1 up");
	conf_sh("ip link set dpgc1p up");
	/* A sink: frames to it leave dpgc0 and nobody answers. */
	conf_sh("ip neigh add 198.18.0.3 lladdr 02:00:00:00:00:03 "
		"dev dpgc0 nud permanent");
	conf_sh("ip -6 neigh add fd00:dc::3 lladdr 02:00:00:00:00:03 "
		"dev dpgc0 nud permanent");
	/* Slow enough that a small send buffer fills, fast enough that it
	 * drains within milliseconds. */
	conf_sh("tc qdisc add dev dpgc0 root tbf rate 10mbit burst 4kb "
		"limit 64kb");
	conf_sh("ip route add 224.0.0.0/4 dev dpgc0");
	/* Both ends of the veth are this host's: a group datagram the kernel
	 * peer sends out of dpgc0p arrives on dpgc0 from one of the host's
	 * own addresses, which Linux drops as martian unless told that this
	 * link really loops (the peer is another host on the dpdk backend). */
	conf_sysctl("/proc/sys/net/ipv4/conf/dpgc0/accept_local", "1");
	return 0;
}

/* The dpdk backend's network. dpg0 and dpgc1 appear when the first DPDK
 * stack probes net_tap, and ports outlive stacks: open and close one stack,
 * then give the kernel side of port0's tap the peer's addresses (dpgc1, the
 * kernel side of port2, only needs to be up). A backend that is not built
 * (-ENOTSUP) skips the run; any other failure fails it. */
static int conf_net_dpdk(const struct conf_env *env)
{
	struct dpg_stack *st = NULL;
	int rc;

	conf_ipv6_defaults();
	/* The kernel peer is remote here, and Linux rate-limits the ICMP
	 * errors it sends to remote hosts (a burst of 6, then one a second
	 * per destination): the tests that wait for port unreachable would
	 * depend on what the groups before them sent. */
	conf_sysctl("/proc/sys/net/ipv4/icmp_ratemask", "0");
	conf_sysctl("/proc/sys/net/ipv6/icmp/ratelimit", "0");
	conf_sh("ip link set lo up");
	rc = dpg_stack_open(&env->cfg, &st);
	if (rc == -ENOTSUP) {
		fprintf(stderr, "conformance: the dpdk backend is not built "
			"(dpg_stack_open: %s); skipping its run\n",
			dpg_strerror(rc));
		return EXIT_SKIP;
	}
	if (rc != 0) {
		fprintf(stderr, "conformance: dpdk: the first dpg_stack_open "
			"(%s) failed: %d (%s); no dpdk test can run\n",
			env->cfg.config_file, rc, dpg_strerror(rc));
		return 1;
	}
	dpg_stack_close(st);
	conf_sh("ip addr add 198.18.0.1/24 dev dpg0");
	conf_sh("ip -6 addr add fd00:dc::1/64 dev dpg0 nodad");
	conf_sh("ip link set dpg0 up");
	conf_sh("ip link set dpgc1 up");
	return 0;
}

/* Root is needed for the namespaces; returns 0, or the skip status. */
static int conf_check_root(void)
{
	if (geteuid() == 0)
		return 0;
	printf("conformance: needs root to create a private network "
	       "namespace; skipping\n");
	return EXIT_SKIP;
}

/* Opening a stack restarts its net_tap port, and dpg0 goes down and up:
 * the kernel forgets its neighbours there. Without an entry for own4, the
 * kernel peer's first datagrams would wait for an ARP (or ND) answer that
 * the stack gives only once polled, so "datagrams waiting for the next poll"
 * would not be waiting yet. A permanent entry keeps the kernel's side
 * of the wire as settled as on the kernel backend (the wire tests cover
 * the stack's ARP and ND, the interop tests ND with the kernel). */
static void conf_dpdk_opened(const struct conf_env *env)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "ip neigh replace %s lladdr " CONF_DPDK_MAC
		 " dev %s nud permanent", env->own4, env->ifname);
	conf_sh(cmd);
	snprintf(cmd, sizeof(cmd), "ip -6 neigh replace %s lladdr " CONF_DPDK_MAC
		 " dev %s nud permanent", env->own6, env->ifname);
	conf_sh(cmd);
}

/* A fresh private network namespace for one backend's run; returns 0, or
 * an exit status. Each backend gets its own: both put the same addresses
 * on different interfaces. */
static int conf_enter_netns(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		/* Root without CAP_SYS_ADMIN (some containers): skip. */
		printf("conformance: unshare(CLONE_NEWNET): %s; skipping\n",
		       strerror(errno));
		return EXIT_SKIP;
	}
	return 0;
}

static void conf_group_name(const struct conf_env *env,
			    const struct conf_group *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", env->name, g->name);
}

/* Whether any group of env passes the filter (so its network is needed). */
static bool conf_backend_wanted(const struct conf_env *env,
				const char *filter)
{
	size_t i;

	for (i = 0; i < sizeof(conf_groups) / sizeof(conf_groups[0]); i++) {
		char name[128];

		conf_group_name(env, conf_groups[i], name, sizeof(name));
		if (filter == NULL || strstr(name, filter) != NULL)
			return true;
	}
	return false;
}

static int conf_run_backend(const struct conf_env *env, const char *filter,
			    unsigned *groups_run)
{
	size_t i;
	int failed = 0;

	conf_env = env;
	for (i = 0; i < sizeof(conf_groups) / sizeof(conf_groups[0]); i++) {
		const struct conf_group *g = conf_groups[i];
		char name[128];

		conf_group_name(env, g, name, sizeof(name));
		if (filter != NULL && strstr(name, filter) == NULL)
			continue;
		/* On stderr: stdout may be TAP, XML or subunit. */
		fprintf(stderr, "conformance: group %s\n", name);
		failed += _cmocka_run_group_tests(name, g->tests, g->count,
						  NULL, NULL);
		(*groups_run)++;
	}
	return failed;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned groups_run = 0, skipped = 0;
	int failed = 0, rc;
	size_t i;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [GROUP-FILTER]\n", argv[0]);
		return 2;
	}
	rc = conf_check_root();
	if (rc != 0)
		return rc;
	for (i = 0; i < CONF_NBACKENDS; i++) {
		const struct conf_env *env = &conf_backends[i];

		if (!conf_backend_wanted(env, filter))
			continue;
		rc = conf_enter_netns();
		if (rc == 0)
			rc = env->network(env);
		if (rc == EXIT_SKIP) {
			skipped++;
			continue;
		}
		if (rc != 0) {
			failed++;
			continue;
		}
		failed += conf_run_backend(env, filter, &groups_run);
	}
	dpg_shutdown();
	if (failed != 0)
		return 1;
	if (groups_run == 0 && skipped != 0)
		return EXIT_SKIP;
	if (groups_run == 0) {
		fprintf(stderr, "conformance: no group matches '%s'\n", filter);
		return 1;
	}
	return 0;
}
