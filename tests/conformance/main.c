/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The conformance runner: builds the private network of conf.h, then runs
 * every test group once per backend in conf_backends[], as cmocka groups
 * named "<backend>/<group>".
 *
 * Usage: conformance [FILTER]   FILTER: run only groups whose name contains
 * it ("kernel/", "bind"). cmocka's own environment (CMOCKA_MESSAGE_OUTPUT,
 * CMOCKA_TEST_ABORT, CMOCKA_XML_FILE) is read by cmocka and left alone.
 * Exit: 0 all passed, 1 a test failed or no group matched, 2 usage,
 * 77 skipped (not root, or no right to unshare), 99 the network could not
 * be built.
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

/* The addresses every backend sees: the network below. */
#define CONF_ADDRS                                                      \
	.own4 = "198.18.0.2", .own6 = "fd00:dc::2",                     \
	.peer4 = "198.18.0.1", .peer6 = "fd00:dc::1",                   \
	.sink4 = "198.18.0.3", .sink6 = "fd00:dc::3",                   \
	.not_owned4 = "198.18.0.99", .not_owned6 = "fd00:dc::99",       \
	.bcast4 = "198.18.0.255", .ifname = "dpgc0",                    \
	.other_own4 = "198.18.1.2", .other_own6 = "fd00:dc:1::2",       \
	.other_ifname = "dpgc1",                                        \
	.unrouted4 = "198.19.255.1", .unrouted6 = "fd00:ff::1"

static const struct conf_env conf_backends[] = {
	{ .name = "kernel", .cfg = { .backend = "kernel" }, CONF_ADDRS },
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

/* The network of conf.h's top comment, in the fresh namespace. */
static void conf_build_network(void)
{
	/* Before the links exist, so they inherit it: no DAD delay before
	 * the IPv6 addresses (link-local included) are usable, and no
	 * router solicitations on the wire. */
	conf_sysctl("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	conf_sysctl("/proc/sys/net/ipv6/conf/default/dad_transmits", "0");
	conf_sysctl("/proc/sys/net/ipv6/conf/default/router_solicitations",
		    "0");
	conf_sysctl("/proc/sys/net/ipv6/conf/default/accept_ra", "0");

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
}

/* Enter a private network namespace; returns 0, or an exit status. */
static int conf_enter_netns(void)
{
	if (geteuid() != 0) {
		printf("conformance: needs root to create a private network "
		       "namespace; skipping\n");
		return EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		/* Root without CAP_SYS_ADMIN (some containers): same story. */
		printf("conformance: unshare(CLONE_NEWNET): %s; skipping\n",
		       strerror(errno));
		return EXIT_SKIP;
	}
	conf_build_network();
	return 0;
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

		snprintf(name, sizeof(name), "%s/%s", env->name, g->name);
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
	unsigned groups_run = 0;
	int failed = 0;
	size_t i;
	int rc;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [GROUP-FILTER]\n", argv[0]);
		return 2;
	}
	rc = conf_enter_netns();
	if (rc != 0)
		return rc;
	for (i = 0; i < CONF_NBACKENDS; i++)
		failed += conf_run_backend(&conf_backends[i], filter,
					   &groups_run);
	dpg_shutdown();
	if (groups_run == 0) {
		fprintf(stderr, "conformance: no group matches '%s'\n", filter);
		return 1;
	}
	return failed != 0 ? 1 : 0;
}
