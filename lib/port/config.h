/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Internal to the config parser (config.c, config_value.c): the context of
 * the value being parsed and the value parsers. Every parser returns 0 or
 * -EINVAL with the message "FILE: [section] key: expected WHAT, got 'VALUE'"
 * written to ctx->err.
 */
#ifndef PORT_CONFIG_H
#define PORT_CONFIG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "port/port.h"

/* rte_cfgfile's limits (rte_cfgfile.h and its line buffer), which it
 * enforces by truncating silently: checked before it reads the file. */
#define CFG_LINE_MAX 322

/* NAME of ringpair:NAME:a|b: its rings are "dpg_NAME_ab15" and its ethdevs
 * "net_ring_NAME_a", within DPDK's 28-character ring and ethdev-name limits. */
#define PORT_RINGPAIR_NAME_MAX 16

struct cfg_ctx {
	const char *path;
	const char *section;       /* "port0"; NULL outside any section */
	char *err;
	size_t errlen;
};

/* "PATH: [SECTION] KEY: expected WHAT, got 'VALUE'" (KEY may be NULL). */
int cfg_fail(const struct cfg_ctx *c, const char *key, const char *value,
	     const char *what_fmt, ...) __attribute__((format(printf, 4, 5)));

/* Strict decimal: digits only, no sign, no spaces, no trailing junk. */
int cfg_parse_uint(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out);

/* One key of a section: how to parse it and where the result goes. */
struct cfg_key;
typedef int (*cfg_parse_fn)(const struct cfg_ctx *c, const struct cfg_key *k,
			    const char *value, void *base);

struct cfg_key {
	const char *name;
	cfg_parse_fn parse;
	size_t off;                /* into struct dpg_config or struct port_cfg */
	size_t size;               /* of the field, for integers */
	unsigned long min, max;
};

int cfg_key_uint(const struct cfg_ctx *c, const struct cfg_key *k,
		 const char *value, void *base);
int cfg_key_string(const struct cfg_ctx *c, const struct cfg_key *k,
		   const char *value, void *base);
int cfg_key_device(const struct cfg_ctx *c, const struct cfg_key *k,
		   const char *value, void *base);
int cfg_key_ipv4(const struct cfg_ctx *c, const struct cfg_key *k,
		 const char *value, void *base);
int cfg_key_gateway4(const struct cfg_ctx *c, const struct cfg_key *k,
		     const char *value, void *base);
int cfg_key_ipv6(const struct cfg_ctx *c, const struct cfg_key *k,
		 const char *value, void *base);
int cfg_key_gateway6(const struct cfg_ctx *c, const struct cfg_key *k,
		     const char *value, void *base);

/* Checks that need the whole [portN] section (gateway inside the subnet),
 * run at its end; value4/value6 are the gateways as written, for messages. */
int cfg_check_gateways(const struct cfg_ctx *c, const struct port_cfg *pc,
		       const char *value4, const char *value6);

/* ringpair:NAME:a|b split; returns 0 or -EINVAL when pc is not a ringpair. */
int cfg_ringpair_split(const char *device, char *name, size_t namelen, char *side);

#endif /* PORT_CONFIG_H */
