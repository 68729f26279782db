/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The process-wide part of the port layer: EAL, started once from the first
 * config's [eal] args, and the ports of that config, set up once and kept
 * running until port_env_shutdown() (also run at exit). Later configs must
 * name the same ports: one process, one set of ports.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "port/config.h"
#include "port/env.h"

RTE_LOG_REGISTER(port_logtype, dpgram.port, INFO);

#define EAL_ARGV_MAX 256

static pthread_mutex_t env_mutex = PTHREAD_MUTEX_INITIALIZER;

static struct {
	bool eal_up;
	bool eal_ours;             /* started here, so cleaned up here */
	bool eal_tried;            /* rte_eal_init was called (it may have failed) */
	bool shut_down;            /* EAL cannot be initialised twice */
	bool atexit_done;
	bool broken;               /* a port failed half-way through its setup */
	struct env_port port[PORT_MAX];
	unsigned nports;
	struct rte_mempool *park;  /* holds the rx queues no stack uses */
	unsigned link_wait_ms;
	char first_path[PATH_MAX]; /* the config that set EAL and the ports up */
	char err[1024];
	char broken_err[1024];
} env;

/* rte_eal_init parses (and permutes) argv in place; its strings stay
 * valid for the life of the process. */
static char eal_strings[8192];
static char *eal_argv[EAL_ARGV_MAX];

void env_lock(void)
{
	pthread_mutex_lock(&env_mutex);
}

void env_unlock(void)
{
	pthread_mutex_unlock(&env_mutex);
}

int env_fail(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(env.err, sizeof(env.err), fmt, ap);
	va_end(ap);
	PORT_LOG(ERR, "%s", env.err);
	return rc;
}

const char *port_env_error(void)
{
	return env.err;
}

struct env_port *env_find(const char *device)
{
	for (unsigned i = 0; i < env.nports; i++)
		if (strcmp(env.port[i].cfg.device, device) == 0)
			return &env.port[i];
	return NULL;
}

unsigned env_link_wait_ms(void)
{
	return env.link_wait_ms;
}

const char *env_eal_path(void)
{
	return env.first_path;
}

struct rte_mempool *env_park_pool(void)
{
	return env.park;
}

/* "dpgram", the [eal] args split on whitespace, then the program's own. */
static int build_argv(const struct dpg_config *cfg, int argc, char **argv)
{
	size_t used = 0;
	int n = 0;
	char *save = NULL, *tok;

	if (snprintf(eal_strings, sizeof(eal_strings), "dpgram%c%s", '\0', cfg->eal_args) >=
	    (int)sizeof(eal_strings))
		return env_fail(-E2BIG, "EAL arguments too long");
	eal_argv[n++] = eal_strings;
	used = strlen("dpgram") + 1;
	for (tok = strtok_r(eal_strings + used, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (n >= EAL_ARGV_MAX - 1)
			return env_fail(-E2BIG, "more than %d EAL arguments", EAL_ARGV_MAX - 2);
		eal_argv[n++] = tok;
	}
	used += strlen(cfg->eal_args) + 1;
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;

		if (n >= EAL_ARGV_MAX - 1 || used + len > sizeof(eal_strings))
			return env_fail(-E2BIG, "EAL arguments too long");
		eal_argv[n++] = memcpy(eal_strings + used, argv[i], len);
		used += len;
	}
	eal_argv[n] = NULL;
	return n;
}

/* EAL is up when dpgram gets there: the program started it itself (its
 * arguments, not [eal] args, are in force), or an earlier attempt of ours
 * failed half-way, which cannot be retried. */
static int eal_already(const struct dpg_config *cfg)
{
	if (env.eal_tried)
		return env_fail(-EALREADY, "%s: an earlier rte_eal_init failed; EAL cannot "
				"start in this process", cfg->path);
	PORT_LOG(NOTICE, "EAL was started by the program: [eal] args of %s not used",
		 cfg->path);
	env.eal_up = true;
	snprintf(env.first_path, sizeof(env.first_path), "%s", cfg->path);
	return 0;
}

static int eal_start(const struct dpg_config *cfg, int argc, char **argv)
{
	cpu_set_t cpus;
	bool have_cpus;
	int n = build_argv(cfg, argc, argv);
	int parsed;

	if (n < 0)
		return n;
	/* rte_eal_init pins the calling thread to the main lcore's CPU, and
	 * every thread it creates later would inherit that. dpgram is a
	 * library inside someone else's program and its stacks do not rely on
	 * lcore pinning, so the thread gets its own CPU set back. */
	have_cpus = pthread_getaffinity_np(pthread_self(), sizeof(cpus), &cpus) == 0;
	parsed = rte_eal_init(n, eal_argv);
	if (parsed < 0 && rte_errno == EALREADY)
		return eal_already(cfg);
	env.eal_tried = true;
	if (parsed < 0)
		return env_fail(rte_errno > 0 ? -rte_errno : -EINVAL,
				"%s: rte_eal_init failed: %s ([eal] args '%s')", cfg->path,
				rte_strerror(rte_errno), cfg->eal_args);
	if (have_cpus)
		pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	env.eal_up = true;
	env.eal_ours = true;
	snprintf(env.first_path, sizeof(env.first_path), "%s", cfg->path);
	if (!env.atexit_done) {
		atexit(port_env_shutdown);
		env.atexit_done = true;
	}
	/* rte_eal_init stops at the first argument that is not its own and
	 * moves the rest to the end (it is up by now, and stays up) */
	if (parsed < n - 1)
		return env_fail(-EINVAL, "%s: [eal] args: '%s' is not an EAL argument",
				cfg->path, eal_argv[parsed + 1]);
	return 0;
}

/* Undo the first step (dev_find) of ports the config could not set up:
 * only ringpair devices were created by it. */
static void ports_unfind(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (env.port[i].ringpair)
			dev_teardown(&env.port[i]);
	ringpair_free_all();
	memset(env.port, 0, sizeof(env.port));
}

/* Two steps: find every device (and check what needs no change to any of
 * them), then set each up. A failure in the first step is undone; one in
 * the second (a DPDK call failing) leaves the ports stopped, see below. */
static int ports_setup(const struct dpg_config *cfg)
{
	unsigned park = 0, i;
	int rc = 0;

	for (i = 0; i < cfg->nports && rc == 0; i++) {
		rc = dev_find(&env.port[i], cfg, &cfg->port[i]);
		park += env.port[i].park_rxd * cfg->port[i].queues;
	}
	if (rc != 0) {
		ports_unfind(i);
		return rc;
	}
	/* twice what parked queues hold: NICs refill a queue at start
	 * before they free what it held */
	env.park = pool_park_create(2 * park + 512, cfg->mbuf_data);
	if (env.park == NULL) {
		ports_unfind(cfg->nports);
		return env_fail(-rte_errno, "cannot create the parking pool (%u mbufs): %s",
				2 * park + 512, rte_strerror(rte_errno));
	}
	for (i = 0; i < cfg->nports && rc == 0; i++) {
		rc = dev_setup(&env.port[i], cfg, env.park);
		env.nports = i + 1;
	}
	if (rc != 0) {
		/* Ports stay as they are, stopped or half set up, and so does the
		 * pool their queues may hold mbufs of: both go at shutdown. The
		 * process cannot use these ports any more; env.err says why. */
		for (i = 0; i < env.nports; i++)
			if (env.port[i].started && rte_eth_dev_stop(env.port[i].port_id) == 0)
				env.port[i].started = false;
		env.broken = true;
		snprintf(env.broken_err, sizeof(env.broken_err), "%s", env.err);
		return rc;
	}
	env.link_wait_ms = cfg->link_wait_ms;
	return 0;
}

/* What must match for a config to use the ports already set up. */
static int same_port(const struct port_cfg *have, const struct port_cfg *want,
		     const char *path)
{
	if (have->queues == want->queues && have->mtu == want->mtu &&
	    have->rxq_desc == want->rxq_desc && have->txq_desc == want->txq_desc)
		return 0;
	return env_fail(-EBUSY,
			"%s: %s: set up by %s with queues %u mtu %u rxq_desc %u txq_desc %u, "
			"asked for queues %u mtu %u rxq_desc %u txq_desc %u",
			path, want->device, env.first_path, have->queues, have->mtu,
			have->rxq_desc, have->txq_desc, want->queues, want->mtu,
			want->rxq_desc, want->txq_desc);
}

static int same_ports(const struct dpg_config *cfg)
{
	int rc;

	for (unsigned i = 0; i < cfg->nports; i++) {
		struct env_port *ep = env_find(cfg->port[i].device);

		if (ep == NULL)
			return env_fail(-EBUSY,
					"%s: %s: not among the ports %s set up (one process "
					"uses one set of ports)", cfg->path,
					cfg->port[i].device, env.first_path);
		rc = same_port(&ep->cfg, &cfg->port[i], cfg->path);
		if (rc != 0)
			return rc;
	}
	if (cfg->nports != env.nports)
		return env_fail(-EBUSY,
				"%s: has %u ports, %s set up %u (one process uses one set "
				"of ports)", cfg->path, cfg->nports, env.first_path, env.nports);
	return 0;
}

int port_env_init(const struct dpg_config *cfg, int argc, char **argv)
{
	int rc = 0;

	if (cfg == NULL || cfg->nports == 0 || argc < 0 || (argc > 0 && argv == NULL))
		return env_fail(-EINVAL, "port_env_init: no config, or one without ports");
	env_lock();
	if (env.shut_down)
		rc = env_fail(-ESHUTDOWN, "EAL was shut down in this process; DPDK cannot "
			      "initialise it again");
	else if (env.broken)
		rc = env_fail(-EIO, "ports unusable after an earlier failure: %s",
			      env.broken_err);
	else if (!env.eal_up)
		rc = eal_start(cfg, argc, argv);
	if (rc == 0 && env.nports > 0)
		rc = same_ports(cfg);
	else if (rc == 0)
		rc = ports_setup(cfg);
	env_unlock();
	return rc;
}

void port_env_shutdown(void)
{
	env_lock();
	if (env.eal_up) {
		for (unsigned i = 0; i < env.nports; i++) {
			if (env.port[i].used != 0)
				PORT_LOG(WARNING, "%s: queues still open at shutdown (mask %#x)",
					 env.port[i].cfg.device, env.port[i].used);
			dev_teardown(&env.port[i]);
		}
		ringpair_free_all();
		rte_mempool_free(env.park);
		/* the program's own EAL is the program's to clean up */
		if (env.eal_ours)
			rte_eal_cleanup();
		memset(env.port, 0, sizeof(env.port));
		env.nports = 0;
		env.park = NULL;
		env.eal_up = false;
		env.shut_down = env.eal_ours;
	}
	env_unlock();
}
