/* SPDX-License-Identifier: BSD-3-Clause
 *
 * drivers-cfg files (DESIGN.md §3, docs/drivers-cfg.md). rte_cfgfile reads
 * the INI structure; this file checks every section, key and value, fills in
 * the defaults and reports the first error found, in file order.
 *
 * rte_cfgfile skips or truncates some mistakes silently (a line without '=',
 * a line or value longer than its buffers), so a short pass over the raw
 * lines runs first and turns those into errors with a line number.
 * Comments: ';' anywhere (rte_cfgfile's), '#' at the start of a line or after
 * whitespace in a value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "port/config.h"

#ifndef DPGRAM_SRCDIR
#define DPGRAM_SRCDIR "."
#endif

#define SECTION_EAL   0
#define SECTION_POOL  1
#define SECTION_NEIGH 2
#define SECTION_MCAST 3
#define SECTION_FRAG  4
#define SECTION_ICMP  5
#define SECTION_PORT0 6  /* port N is SECTION_PORT0 + N */

#define CFG_KEY(n, fn, type, field, lo, hi) \
	{ n, fn, offsetof(type, field), sizeof(((type *)0)->field), lo, hi }

static const struct cfg_key eal_keys[] = {
	CFG_KEY("args", cfg_key_string, struct dpg_config, eal_args, 0, 0),
	CFG_KEY("link_wait_ms", cfg_key_uint, struct dpg_config, link_wait_ms, 0, 600000),
	{ NULL, NULL, 0, 0, 0, 0 },
};

static const struct cfg_key pool_keys[] = {
	CFG_KEY("mbufs", cfg_key_uint, struct dpg_config, mbufs, 64, 1048576),
	CFG_KEY("cache", cfg_key_uint, struct dpg_config, mbuf_cache, 0,
		RTE_MEMPOOL_CACHE_MAX_SIZE),
	/* the headroom plus a minimal Ethernet frame; mbuf sizes are 16-bit */
	CFG_KEY("data_room", cfg_key_uint, struct dpg_config, mbuf_data,
		RTE_PKTMBUF_HEADROOM + RTE_ETHER_MIN_LEN, UINT16_MAX),
	{ NULL, NULL, 0, 0, 0, 0 },
};

static const struct cfg_key neigh_keys[] = {
	CFG_KEY("entries", cfg_key_uint, struct dpg_config, neigh_entries, 8, 1048576),
	CFG_KEY("reachable_ms", cfg_key_uint, struct dpg_config, neigh_reachable_ms, 10, 3600000),
	CFG_KEY("retrans_ms", cfg_key_uint, struct dpg_config, neigh_retrans_ms, 10, 60000),
	CFG_KEY("retries", cfg_key_uint, struct dpg_config, neigh_retries, 1, 16),
	CFG_KEY("hold", cfg_key_uint, struct dpg_config, neigh_hold, 1, 1024),
	CFG_KEY("delay_ms", cfg_key_uint, struct dpg_config, neigh_delay_ms, 0, 60000),
	CFG_KEY("dad_transmits", cfg_key_uint, struct dpg_config, dad_transmits, 0, 10),
	{ NULL, NULL, 0, 0, 0, 0 },
};

static const struct cfg_key mcast_keys[] = {
	CFG_KEY("groups", cfg_key_uint, struct dpg_config, mc_groups, 1, 65536),
	CFG_KEY("sources", cfg_key_uint, struct dpg_config, mc_sources, 1, 1024),
	CFG_KEY("robustness", cfg_key_uint, struct dpg_config, mc_robustness, 1, 7),
	CFG_KEY("report_ms", cfg_key_uint, struct dpg_config, mc_report_ms, 1, 60000),
	{ NULL, NULL, 0, 0, 0, 0 },
};

static const struct cfg_key frag_keys[] = {
	CFG_KEY("flows", cfg_key_uint, struct dpg_config, frag_flows, 1, 65536),
	CFG_KEY("fragments", cfg_key_uint, struct dpg_config, frag_max, 2, 8192),
	CFG_KEY("timeout_ms", cfg_key_uint, struct dpg_config, frag_timeout_ms, 100, 120000),
	{ NULL, NULL, 0, 0, 0, 0 },
};

static const struct cfg_key icmp_keys[] = {
	CFG_KEY("rate", cfg_key_uint, struct dpg_config, icmp_rate, 0, 1000000),
	CFG_KEY("burst", cfg_key_uint, struct dpg_config, icmp_burst, 1, 1000000),
	{ NULL, NULL, 0, 0, 0, 0 },
};

static const struct cfg_key port_keys[] = {
	CFG_KEY("device", cfg_key_device, struct port_cfg, device, 0, 0),
	CFG_KEY("ipv4", cfg_key_ipv4, struct port_cfg, ip4, 0, 0),
	CFG_KEY("gateway4", cfg_key_gateway4, struct port_cfg, gw4, 0, 0),
	CFG_KEY("ipv6", cfg_key_ipv6, struct port_cfg, ip6, 0, 0),
	CFG_KEY("gateway6", cfg_key_gateway6, struct port_cfg, gw6, 0, 0),
	CFG_KEY("mtu", cfg_key_uint, struct port_cfg, mtu, 68, 9000),
	CFG_KEY("rxq_desc", cfg_key_uint, struct port_cfg, rxq_desc, 1, 65535),
	CFG_KEY("txq_desc", cfg_key_uint, struct port_cfg, txq_desc, 1, 65535),
	CFG_KEY("queues", cfg_key_uint, struct port_cfg, queues, 1, 16),
	{ NULL, NULL, 0, 0, 0, 0 },
};

static void set_defaults(struct dpg_config *cfg)
{
	cfg->mbufs = 8191;
	cfg->mbuf_cache = 256;
	cfg->mbuf_data = RTE_MBUF_DEFAULT_BUF_SIZE;
	cfg->link_wait_ms = 5000;
	/* RFC 1122 2.3.2.2, RFC 4861 10 (REACHABLE_TIME, RETRANS_TIMER,
	 * MAX_MULTICAST_SOLICIT) */
	cfg->neigh_entries = 1024;
	cfg->neigh_reachable_ms = 30000;
	cfg->neigh_retrans_ms = 1000;
	cfg->neigh_retries = 3;
	cfg->neigh_hold = 16;
	cfg->neigh_delay_ms = 5000;
	cfg->dad_transmits = 1;
	/* RFC 3376 §8.1 / §8.11, RFC 3810 §9.1 / §9.11 */
	cfg->mc_groups = 256;
	cfg->mc_sources = 64;
	cfg->mc_robustness = 2;
	cfg->mc_report_ms = 1000;
	/* Linux: ipfrag_time 30 s; icmp_msgs_per_sec 1000, icmp_msgs_burst 50 */
	cfg->frag_flows = 1024;
	cfg->frag_max = 64;
	cfg->frag_timeout_ms = 30000;
	cfg->icmp_rate = 1000;
	cfg->icmp_burst = 50;
	for (unsigned i = 0; i < PORT_MAX; i++) {
		struct port_cfg *pc = &cfg->port[i];

		snprintf(pc->section, sizeof(pc->section), "port%u", i);
		pc->mtu = 1500;
		pc->rxq_desc = 1024;
		pc->txq_desc = 1024;
		pc->queues = 1;
	}
}

/* ---- pass 1: the raw lines ---------------------------------------------- */

static void strip(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/* rte_cfgfile cuts a line at its first ';' unless a backslash escapes it. */
static void cut_semicolon(char *line)
{
	char *pos = strchr(line, ';');

	if (pos != NULL && (pos == line || pos[-1] != '\\'))
		*pos = '\0';
}

/* One line; section is updated on [section] lines, for messages. */
static int lint_line(const char *path, unsigned lineno, char *line, size_t rawlen,
		     char *section, char *err, size_t errlen)
{
	char *eq, *close;

	if (rawlen > CFG_LINE_MAX) {
		snprintf(err, errlen, "%s:%u: expected at most %d characters on a line, got %zu",
			 path, lineno, CFG_LINE_MAX, rawlen);
		return -EINVAL;
	}
	cut_semicolon(line);
	strip(line);
	if (line[0] == '\0' || line[0] == '#')
		return 0;
	if (line[0] == '[') {
		close = strchr(line, ']');
		if (close != NULL && close[1] != '\0' &&
		    close[1 + strspn(close + 1, " \t")] == '#')
			close[1] = '\0';   /* "[eal]  # comment" */
		if (close == NULL || close[1] != '\0') {
			snprintf(err, errlen, "%s:%u: expected a line '[section]', got '%s'",
				 path, lineno, line);
			return -EINVAL;
		}
		*close = '\0';
		snprintf(section, CFG_NAME_LEN, "%s", line + 1);
		strip(section);
		return 0;
	}
	eq = strchr(line, '=');
	if (eq == NULL || eq == line) {
		snprintf(err, errlen,
			 "%s:%u: expected 'key = value', '[section]' or a comment, got '%s'",
			 path, lineno, line);
		return -EINVAL;
	}
	*eq = '\0';
	strip(line);
	strip(eq + 1);
	if (strlen(eq + 1) >= CFG_VALUE_LEN) {
		snprintf(err, errlen, "%s: [%s] %s: expected at most %d characters, got %zu",
			 path, section, line, CFG_VALUE_LEN - 1, strlen(eq + 1));
		return -EINVAL;
	}
	return 0;
}

static int lint(const char *path, char *err, size_t errlen)
{
	char section[CFG_NAME_LEN] = "";
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t n;
	int rc = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-rc));
		return rc;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		rc = lint_line(path, lineno, line, len, section, err, errlen);
	}
	if (rc == 0 && ferror(f)) {
		rc = errno != 0 ? -errno : -EIO;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-rc));
	}
	free(line);
	fclose(f);
	return rc;
}

/* ---- pass 2: sections and keys ------------------------------------------ */

/* '#' starts a comment where it begins a value or follows whitespace. */
static void cut_hash(char *value)
{
	for (char *p = value; *p != '\0'; p++) {
		if (*p == '#' && (p == value || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	strip(value);
}

static const char *key_names(const struct cfg_key *keys, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct cfg_key *k = keys; k->name != NULL && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 k == keys ? "" : ", ", k->name);
	return buf;
}

/* The keys of one section, in file order, each at most once. */
static int parse_keys(const struct cfg_ctx *c, const struct cfg_key *keys,
		      struct rte_cfgfile_entry *e, int n, void *base,
		      const char **gw4, const char **gw6)
{
	char names[256];

	for (int i = 0; i < n; i++) {
		const struct cfg_key *k;
		int rc;

		if (e[i].name[0] == '#')
			continue;   /* a commented-out "# key = value" line */
		cut_hash(e[i].value);
		for (k = keys; k->name != NULL && strcmp(k->name, e[i].name) != 0; k++)
			;
		if (k->name == NULL)
			return cfg_fail(c, e[i].name, e[i].name, "one of %s",
					key_names(keys, names, sizeof(names)));
		for (int j = 0; j < i; j++)
			if (strcmp(e[j].name, e[i].name) == 0)
				return cfg_fail(c, e[i].name, e[i].value,
						"the key once, not a second value");
		rc = k->parse(c, k, e[i].value, base);
		if (rc != 0)
			return rc;
		if (k->parse == cfg_key_gateway4)
			*gw4 = e[i].value;
		if (k->parse == cfg_key_gateway6)
			*gw6 = e[i].value;
	}
	return 0;
}

static int section_id(const char *name)
{
	static const char *const fixed[] = { "eal", "pool", "neigh", "mcast", "frag", "icmp" };

	for (int i = 0; i < 6; i++)
		if (strcmp(name, fixed[i]) == 0)
			return i;
	if (strncmp(name, "port", 4) == 0 && name[4] >= '0' &&
	    name[4] < '0' + PORT_MAX && name[5] == '\0')
		return SECTION_PORT0 + name[4] - '0';
	return -1;
}

static int parse_section(const struct cfg_ctx *c, int id, struct rte_cfgfile_entry *e,
			 int n, struct dpg_config *cfg)
{
	const char *gw4 = NULL, *gw6 = NULL;
	struct port_cfg *pc;
	int rc;

	if (id == SECTION_EAL)
		return parse_keys(c, eal_keys, e, n, cfg, &gw4, &gw6);
	if (id == SECTION_POOL)
		return parse_keys(c, pool_keys, e, n, cfg, &gw4, &gw6);
	if (id == SECTION_NEIGH)
		return parse_keys(c, neigh_keys, e, n, cfg, &gw4, &gw6);
	if (id == SECTION_MCAST)
		return parse_keys(c, mcast_keys, e, n, cfg, &gw4, &gw6);
	if (id == SECTION_FRAG)
		return parse_keys(c, frag_keys, e, n, cfg, &gw4, &gw6);
	if (id == SECTION_ICMP)
		return parse_keys(c, icmp_keys, e, n, cfg, &gw4, &gw6);
	pc = &cfg->port[id - SECTION_PORT0];
	rc = parse_keys(c, port_keys, e, n, pc, &gw4, &gw6);
	if (rc == 0 && pc->device[0] == '\0')
		rc = cfg_fail(c, "device", "",
			      "a vdev name, PCI address or ringpair:NAME:a|b (required)");
	if (rc == 0)
		rc = cfg_check_gateways(c, pc, gw4, gw6);
	return rc;
}

/* Section 0 is rte_cfgfile's GLOBAL one: lines before the first [section],
 * which may only be commented-out keys. */
static int parse_global(const struct cfg_ctx *c, struct rte_cfgfile_entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		if (e[i].name[0] == '#')
			continue;
		snprintf(c->err, c->errlen, "%s: %s: expected a [section] line before it, got '%s'",
			 c->path, e[i].name, e[i].value);
		return -EINVAL;
	}
	return 0;
}

static int parse_one(struct rte_cfgfile *cf, int idx, struct cfg_ctx *c,
		     unsigned *seen, struct dpg_config *cfg)
{
	char name[CFG_NAME_LEN];
	int n = rte_cfgfile_section_num_entries_by_index(cf, name, idx);
	struct rte_cfgfile_entry *e = calloc(n > 0 ? (size_t)n : 1, sizeof(*e));
	int id, rc;

	if (e == NULL) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->path);
		return -ENOMEM;
	}
	n = rte_cfgfile_section_entries_by_index(cf, idx, name, e, n);
	c->section = name;
	id = section_id(name);
	if (idx == 0)
		rc = parse_global(c, e, n);
	else if (id < 0)
		rc = cfg_fail(c, NULL, name, "one of [eal], [pool], [neigh], [mcast], [frag], [icmp], [port0]..[port%d]",
			      PORT_MAX - 1);
	else if (*seen & (1u << id))
		rc = cfg_fail(c, NULL, name, "each section once, not a second [%s]", name);
	else
		rc = parse_section(c, id, e, n, cfg);
	if (id >= 0)
		*seen |= 1u << id;
	c->section = NULL;
	free(e);
	return rc;
}

/* ---- checks across sections --------------------------------------------- */

static int check_ports(const struct cfg_ctx *c, unsigned seen, struct dpg_config *cfg)
{
	unsigned ports = (seen >> SECTION_PORT0) & ((1u << PORT_MAX) - 1);
	unsigned gap;

	if (ports == 0) {
		snprintf(c->err, c->errlen,
			 "%s: expected at least one [portN] section (port0..port%d), got none",
			 c->path, PORT_MAX - 1);
		return -EINVAL;
	}
	cfg->nports = 0;
	while (ports & (1u << cfg->nports))
		cfg->nports++;
	if (ports >> cfg->nports == 0)
		return 0;
	for (gap = cfg->nports; !(ports & (1u << gap)); gap++)
		;
	snprintf(c->err, c->errlen,
		 "%s: [port%u]: expected [port%u] before it (ports are numbered from port0 "
		 "without gaps), got none", c->path, gap, cfg->nports);
	return -EINVAL;
}

/* One device per port; both ends of a ringpair with as many queues. */
static int check_devices(struct cfg_ctx *c, struct dpg_config *cfg)
{
	for (unsigned i = 0; i < cfg->nports; i++) {
		struct port_cfg *pc = &cfg->port[i];
		char name[PORT_RINGPAIR_NAME_MAX + 1], side;

		c->section = pc->section;
		for (unsigned j = 0; j < i; j++) {
			struct port_cfg *o = &cfg->port[j];
			char oname[PORT_RINGPAIR_NAME_MAX + 1], oside;

			if (strcmp(o->device, pc->device) == 0)
				return cfg_fail(c, "device", pc->device,
						"a device no other port uses (it is [%s]'s)",
						o->section);
			if (cfg_ringpair_split(pc->device, name, sizeof(name), &side) == 0 &&
			    cfg_ringpair_split(o->device, oname, sizeof(oname), &oside) == 0 &&
			    strcmp(name, oname) == 0 && o->queues != pc->queues) {
				char q[8];

				snprintf(q, sizeof(q), "%u", pc->queues);
				return cfg_fail(c, "queues", q,
						"%u like the other end of the ringpair, [%s]",
						o->queues, o->section);
			}
		}
	}
	return 0;
}

static int check_sizes(struct cfg_ctx *c, struct dpg_config *cfg)
{
	/* rte_mempool refuses a cache whose flush threshold (1.5 x cache)
	 * exceeds the pool */
	unsigned max_cache = cfg->mbufs * 2 / 3;
	/* frames are received into one mbuf: the stack does not chain on rx */
	unsigned max_mtu = cfg->mbuf_data - RTE_PKTMBUF_HEADROOM -
			   RTE_ETHER_HDR_LEN - RTE_VLAN_HLEN;
	char v[16];

	c->section = "pool";
	if (cfg->mbuf_cache > max_cache) {
		snprintf(v, sizeof(v), "%u", cfg->mbuf_cache);
		return cfg_fail(c, "cache", v, "at most %u (2/3 of mbufs %u)", max_cache,
				cfg->mbufs);
	}
	for (unsigned i = 0; i < cfg->nports; i++) {
		c->section = cfg->port[i].section;
		if (cfg->port[i].mtu > max_mtu) {
			snprintf(v, sizeof(v), "%u", cfg->port[i].mtu);
			return cfg_fail(c, "mtu", v,
					"at most %u for [pool] data_room %u (raise data_room "
					"to mtu + %u)", max_mtu, cfg->mbuf_data,
					RTE_PKTMBUF_HEADROOM + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN);
		}
	}
	return 0;
}

static int parse_file(struct rte_cfgfile *cf, struct cfg_ctx *c, struct dpg_config *cfg)
{
	int nsec = rte_cfgfile_num_sections(cf, NULL, 0);
	unsigned seen = 0;
	int rc = 0;

	for (int i = 0; i < nsec && rc == 0; i++)
		rc = parse_one(cf, i, c, &seen, cfg);
	if (rc == 0)
		rc = check_ports(c, seen, cfg);
	if (rc == 0)
		rc = check_devices(c, cfg);
	if (rc == 0)
		rc = check_sizes(c, cfg);
	return rc;
}

int config_load(const char *path, struct dpg_config *cfg, char *err, size_t errlen)
{
	struct cfg_ctx c = { .path = path, .err = err, .errlen = errlen };
	struct rte_cfgfile *cf;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (errlen > 0)
		err[0] = '\0';
	if ((size_t)snprintf(cfg->path, sizeof(cfg->path), "%s", path) >= sizeof(cfg->path)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	rc = lint(path, err, errlen);
	if (rc != 0)
		return rc;
	/* GLOBAL: a commented-out "# key = value" before the first section
	 * would otherwise fail the load; empty values get our own message */
	cf = rte_cfgfile_load(path, CFG_FLAG_GLOBAL_SECTION | CFG_FLAG_EMPTY_VALUES);
	if (cf == NULL) {
		snprintf(err, errlen, "%s: cannot read: rte_cfgfile_load failed", path);
		return -EIO;
	}
	set_defaults(cfg);
	rc = parse_file(cf, &c, cfg);
	rte_cfgfile_close(cf);
	if (rc != 0)
		memset(cfg, 0, sizeof(*cfg));
	return rc;
}

const char *config_default_path(void)
{
	/* per thread: stacks may be opened from several threads at once */
	static __thread char path[PATH_MAX];
	const char *dir = getenv("DPGRAM_CONFIG_DIR");

	if (dir != NULL && dir[0] != '\0') {
		snprintf(path, sizeof(path), "%s/net_tap.ini", dir);
		return path;
	}
#ifdef DPGRAM_DATADIR
	snprintf(path, sizeof(path), "%s/drivers-cfg/net_tap.ini", DPGRAM_DATADIR);
	if (access(path, R_OK) == 0)
		return path;
#endif
	snprintf(path, sizeof(path), "%s/drivers-cfg/net_tap.ini", DPGRAM_SRCDIR);
	return path;
}
