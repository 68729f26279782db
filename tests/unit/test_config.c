/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests: drivers-cfg parsing (lib/port/config.c, config_value.c).
 * No EAL: config_load is a plain parse. Fixtures are in tests/unit/cfg/;
 * single-key cases are written to a temporary file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port/port.h"

static char err[1024];

/* The source tree: meson compiles this file as a path relative to the build
 * directory and runs tests from there, so __FILE__ leads to it unless the
 * environment or the build says otherwise. */
static const char *srcdir(void)
{
	const char *env = getenv("DPGRAM_SRCDIR");

	if (env != NULL)
		return env;
#ifdef DPGRAM_SRCDIR
	return DPGRAM_SRCDIR;
#else
	static char dir[PATH_MAX];
	const char *self = "tests/unit/test_config.c";
	size_t len = strlen(__FILE__) - strlen(self);

	/* "../tests/unit/test_config.c" -> "..", "tests/unit/..." -> "." */
	snprintf(dir, sizeof(dir), "%.*s", (int)len, __FILE__);
	if (len == 0)
		snprintf(dir, sizeof(dir), ".");
	else if (dir[len - 1] == '/')
		dir[len - 1] = '\0';
	return dir;
#endif
}

static const char *fixture(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/tests/unit/cfg/%s", srcdir(), name);
	return path;
}

/* Expect config_load(path) to fail with rc and "PATH: " what. */
static void expect_error(const char *path, int rc, const char *what)
{
	struct dpg_config cfg;
	char want[1024];

	snprintf(want, sizeof(want), "%s: %s", path, what);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), rc);
	assert_string_equal(err, want);
	assert_int_equal(cfg.nports, 0);   /* a failed load leaves nothing */
}

static void load_ok(const char *path, struct dpg_config *cfg)
{
	int rc = config_load(path, cfg, err, sizeof(err));

	if (rc != 0)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
}

/* One temporary file at a time: the next write_tmp or the test's teardown
 * removes it, also when an assertion failed. */
static char tmp_path[64];

static int remove_tmp(void **state)
{
	(void)state;
	if (tmp_path[0] != '\0')
		unlink(tmp_path);
	tmp_path[0] = '\0';
	return 0;
}

static const char *write_tmp(const char *text)
{
	int fd;

	remove_tmp(NULL);
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/dpgram-test-config-XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return tmp_path;
}

/* One key of a section in an otherwise valid file: what = NULL means it is
 * accepted, else the expected "expected WHAT" of the message. */
static void one_key(const char *section, const char *key, const char *value,
		    const char *what)
{
	char text[1024], msg[1024];
	const char *path;
	struct dpg_config cfg;

	if (strcmp(section, "port0") == 0)
		snprintf(text, sizeof(text), "[port0]\n%s%s = %s\n",
			 strcmp(key, "device") == 0 ? "" : "device = net_null0\n", key, value);
	else
		snprintf(text, sizeof(text), "[%s]\n%s = %s\n[port0]\ndevice = net_null0\n",
			 section, key, value);
	path = write_tmp(text);
	if (what == NULL) {
		load_ok(path, &cfg);
	} else {
		snprintf(msg, sizeof(msg), "[%s] %s: expected %s, got '%s'", section, key, what,
			 value);
		expect_error(path, -EINVAL, msg);
	}
}

/* A whole file, from text. */
static void text_error(const char *text, const char *what)
{
	const char *path = write_tmp(text);

	expect_error(path, -EINVAL, what);
}

static void test_defaults(void **state)
{
	struct dpg_config cfg;
	const struct port_cfg *p = &cfg.port[0];

	(void)state;
	load_ok(fixture("minimal.ini"), &cfg);
	assert_string_equal(cfg.path, fixture("minimal.ini"));
	assert_string_equal(cfg.eal_args, "");
	assert_int_equal(cfg.link_wait_ms, 5000);
	assert_int_equal(cfg.mbufs, 8191);
	assert_int_equal(cfg.mbuf_cache, 256);
	assert_int_equal(cfg.mbuf_data, RTE_MBUF_DEFAULT_BUF_SIZE);
	assert_int_equal(cfg.neigh_entries, 1024);
	assert_int_equal(cfg.neigh_reachable_ms, 30000);
	assert_int_equal(cfg.neigh_retrans_ms, 1000);
	assert_int_equal(cfg.neigh_retries, 3);
	assert_int_equal(cfg.neigh_hold, 16);
	assert_int_equal(cfg.nports, 1);
	assert_string_equal(p->section, "port0");
	assert_string_equal(p->device, "net_null0");
	assert_int_equal(p->ip4, 0);
	assert_int_equal(p->gw4, 0);
	assert_false(p->has_ip6);
	assert_false(p->has_gw6);
	assert_int_equal(p->mtu, 1500);
	assert_int_equal(p->rxq_desc, 1024);
	assert_int_equal(p->txq_desc, 1024);
	assert_int_equal(p->queues, 1);
}

static void assert_ip6(const struct in6_addr *a, const char *text)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	assert_string_equal(buf, text);
}

static void assert_ip4(uint32_t a, const char *text)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	assert_string_equal(buf, text);
}

static void test_every_key(void **state)
{
	struct dpg_config cfg;
	const struct port_cfg *p = cfg.port;

	(void)state;
	load_ok(fixture("full.ini"), &cfg);
	assert_string_equal(cfg.eal_args, "--no-huge -m 128 --no-pci");
	assert_int_equal(cfg.link_wait_ms, 250);
	assert_int_equal(cfg.mbufs, 4095);
	assert_int_equal(cfg.mbuf_cache, 128);
	assert_int_equal(cfg.mbuf_data, 9300);
	assert_int_equal(cfg.neigh_entries, 64);
	assert_int_equal(cfg.neigh_reachable_ms, 15000);
	assert_int_equal(cfg.neigh_retrans_ms, 500);
	assert_int_equal(cfg.neigh_retries, 5);
	assert_int_equal(cfg.neigh_hold, 4);
	assert_int_equal(cfg.nports, 4);

	assert_string_equal(p[0].device, "net_tap1");
	assert_ip4(p[0].ip4, "198.18.10.2");
	assert_int_equal(p[0].ip4_prefix, 16);
	assert_ip4(p[0].gw4, "198.18.0.1");
	assert_true(p[0].has_ip6);
	assert_ip6(&p[0].ip6, "fd00:dc:1::2");
	assert_int_equal(p[0].ip6_prefix, 48);
	assert_true(p[0].has_gw6);
	assert_ip6(&p[0].gw6, "fe80::1");
	assert_int_equal(p[0].mtu, 9000);
	assert_int_equal(p[0].rxq_desc, 512);
	assert_int_equal(p[0].txq_desc, 333);
	assert_int_equal(p[0].queues, 4);

	assert_string_equal(p[1].section, "port1");
	assert_string_equal(p[1].device, "ringpair:t_1:a");
	assert_int_equal(p[1].ip4, 0);
	assert_ip6(&p[1].ip6, "fd00:dd::5");
	assert_ip6(&p[1].gw6, "fd00:dd::1");
	assert_int_equal(p[1].mtu, 1500);
	assert_int_equal(p[1].queues, 2);

	assert_string_equal(p[2].device, "ringpair:t_1:b");
	assert_ip4(p[2].ip4, "198.19.255.1");
	assert_int_equal(p[2].ip4_prefix, 31);
	assert_false(p[2].has_ip6);

	assert_string_equal(p[3].section, "port3");
	assert_string_equal(p[3].device, "0000:01:00.0");
	assert_int_equal(p[3].queues, 1);
}

static void test_comments(void **state)
{
	struct dpg_config cfg;

	(void)state;
	load_ok(fixture("comments.ini"), &cfg);
	assert_string_equal(cfg.eal_args, "--no-huge");
	assert_string_equal(cfg.port[0].device, "net_null0");
	assert_ip4(cfg.port[0].ip4, "198.18.0.2");
	assert_int_equal(cfg.port[0].mtu, 1500);
}

/* Every error class of the issue, with its exact message. */
static void test_error_fixtures(void **state)
{
	static const struct {
		const char *file, *what;
	} cases[] = {
		{ "err_unknown_section.ini",
		  "[ports]: expected one of [eal], [pool], [neigh], [mcast], [frag], [icmp], [port0]..[port3], "
		  "got 'ports'" },
		{ "err_unknown_key.ini",
		  "[port0] mut: expected one of device, ipv4, gateway4, ipv6, gateway6, mtu, "
		  "rxq_desc, txq_desc, queues, got 'mut'" },
		{ "err_bad_number.ini",
		  "[pool] mbufs: expected an integer in 64..1048576, got '12x'" },
		{ "err_out_of_range.ini",
		  "[port0] mtu: expected an integer in 68..9000, got '9001'" },
		{ "err_bad_address.ini",
		  "[port0] ipv4: expected an IPv4 address A.B.C.D/LEN, got '198.18.0.256/24'" },
		{ "err_prefix.ini",
		  "[port0] ipv6: expected an IPv6 prefix length in 1..128, got 'fd00:dc::2/129'" },
		{ "err_gateway_outside.ini",
		  "[port0] gateway4: expected a host address in 198.18.0.0/24 other than "
		  "198.18.0.2, got '198.18.1.1'" },
		{ "err_missing_device.ini",
		  "[port1] device: expected a vdev name, PCI address or ringpair:NAME:a|b "
		  "(required), got ''" },
		{ "err_duplicate_key.ini",
		  "[port0] mtu: expected the key once, not a second value, got '9000'" },
		{ "err_duplicate_section.ini",
		  "[port0]: expected each section once, not a second [port0], got 'port0'" },
		{ "err_no_ports.ini",
		  "expected at least one [portN] section (port0..port3), got none" },
		{ "err_port_gap.ini",
		  "[port2]: expected [port1] before it (ports are numbered from port0 without "
		  "gaps), got none" },
		{ "err_key_before_section.ini",
		  "mtu: expected a [section] line before it, got '1500'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(fixture(cases[i].file), -EINVAL, cases[i].what);
}

/* What rte_cfgfile alone would skip or truncate without a word. */
static void expect_line_error(const char *path, unsigned line, const char *what)
{
	struct dpg_config cfg;
	char want[1024];

	snprintf(want, sizeof(want), "%s:%u: %s", path, line, what);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, want);
}

static void test_lines(void **state)
{
	char text[1024], value[400];
	const char *path;

	(void)state;
	expect_line_error(fixture("err_bad_line.ini"), 2, "expected 'key = value', '[section]' "
			  "or a comment, got 'device net_null0'");
	expect_line_error(fixture("err_bad_section_line.ini"), 1,
			  "expected a line '[section]', got '[port0'");
	path = write_tmp("[port0] extra\ndevice = x0\n");
	expect_line_error(path, 1, "expected a line '[section]', got '[port0] extra'");
	path = write_tmp("[port0]\n= x0\n");
	expect_line_error(path, 2, "expected 'key = value', '[section]' or a comment, got '= x0'");

	/* rte_cfgfile truncates values to 255 characters and fails lines of
	 * 323 or more without saying which */
	memset(value, 'x', 256);
	value[256] = '\0';
	snprintf(text, sizeof(text), "[eal]\nargs = %s\n[port0]\ndevice = x0\n", value);
	path = write_tmp(text);
	expect_error(path, -EINVAL, "[eal] args: expected at most 255 characters, got 256");
	value[255] = '\0';
	snprintf(text, sizeof(text), "[eal]\nargs = %s\n[port0]\ndevice = x0\n", value);
	path = write_tmp(text);
	assert_int_equal(config_load(path, &(struct dpg_config){ 0 }, err, sizeof(err)), 0);
	memset(value, ' ', 330);
	value[330] = '\0';
	snprintf(text, sizeof(text), "[port0]\ndevice = x0%s\n", value);
	path = write_tmp(text);
	expect_line_error(path, 2, "expected at most 322 characters on a line, got 341");
}

static void test_unreadable(void **state)
{
	const char *missing = fixture("does-not-exist.ini");
	char dir[PATH_MAX], want[PATH_MAX + 64];
	struct dpg_config cfg;

	(void)state;
	snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", missing);
	assert_int_equal(config_load(missing, &cfg, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, want);

	snprintf(dir, sizeof(dir), "%s/tests/unit/cfg", srcdir());
	snprintf(want, sizeof(want), "%s: cannot read: Is a directory", dir);
	assert_int_equal(config_load(dir, &cfg, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, want);

	if (geteuid() == 0) {
		print_message("(root reads any file: the -EACCES case is skipped)\n");
		return;
	}
	write_tmp("[port0]\ndevice = net_null0\n");
	chmod(tmp_path, 0);
	snprintf(want, sizeof(want), "%s: cannot read: Permission denied", tmp_path);
	assert_int_equal(config_load(tmp_path, &cfg, err, sizeof(err)), -EACCES);
	assert_string_equal(err, want);
}

static const char *int_range = "an integer in %s";

static void range_key(const char *section, const char *key, const char *range,
		      const char *lo, const char *hi, const char *below, const char *above)
{
	char what[64];

	snprintf(what, sizeof(what), int_range, range);
	one_key(section, key, lo, NULL);
	one_key(section, key, hi, NULL);
	if (below != NULL)
		one_key(section, key, below, what);
	one_key(section, key, above, what);
	/* strict decimal: no sign, no junk, no hex, no empty value */
	one_key(section, key, "+5", what);
	one_key(section, key, "-1", what);
	one_key(section, key, "5x", what);
	one_key(section, key, "0x10", what);
	one_key(section, key, "", what);
	one_key(section, key, "99999999999999999999999", what);
}

static void test_numbers(void **state)
{
	(void)state;
	range_key("eal", "link_wait_ms", "0..600000", "0", "600000", NULL, "600001");
	/* the default cache (256) needs 384 mbufs, see test_cross_checks */
	range_key("pool", "mbufs", "64..1048576", "384", "1048576", "63", "1048577");
	assert_int_equal(config_load(write_tmp("[pool]\nmbufs = 64\ncache = 0\n[port0]\n"
					       "device = x0\n"), &(struct dpg_config){ 0 },
				     err, sizeof(err)), 0);
	range_key("pool", "cache", "0..512", "0", "42", NULL, "513");
	/* 1646: the default mtu 1500 needs 1500 + 146 (test_cross_checks) */
	range_key("pool", "data_room", "192..65535", "1646", "65535", "191", "65536");
	range_key("neigh", "entries", "8..1048576", "8", "1048576", "7", "1048577");
	range_key("neigh", "reachable_ms", "10..3600000", "10", "3600000", "9", "3600001");
	range_key("neigh", "retrans_ms", "10..60000", "10", "60000", "9", "60001");
	range_key("neigh", "retries", "1..16", "1", "16", "0", "17");
	range_key("neigh", "hold", "1..1024", "1", "1024", "0", "1025");
	range_key("port0", "mtu", "68..9000", "68", "2030", "67", "9001");
	range_key("port0", "rxq_desc", "1..65535", "1", "65535", "0", "65536");
	range_key("port0", "txq_desc", "1..65535", "1", "65535", "0", "65536");
	range_key("port0", "queues", "1..16", "1", "16", "0", "17");
	/* '#' starts a comment after whitespace only */
	one_key("port0", "mtu", " 1500   # spaces and a comment", NULL);
	one_key("port0", "mtu", "1500#9000", "an integer in 68..9000");
}

static void test_ipv4(void **state)
{
	static const char *addr = "an IPv4 address A.B.C.D/LEN";
	static const char *len = "an IPv4 prefix length in 1..32";
	static const char *uni = "a unicast IPv4 address";
	static const char *host =
		"a host address, not the network or broadcast address of its subnet";

	(void)state;
	one_key("port0", "ipv4", "198.18.0.2/24", NULL);
	one_key("port0", "ipv4", "198.18.0.2/32", NULL);
	one_key("port0", "ipv4", "198.18.0.0/31", NULL);
	one_key("port0", "ipv4", "198.18.0.2", addr);
	one_key("port0", "ipv4", "198.18.0/24", addr);
	one_key("port0", "ipv4", "198.18.0.2 /24", addr);
	one_key("port0", "ipv4", "dpg.example/24", addr);
	one_key("port0", "ipv4", "fd00::2/64", addr);
	one_key("port0", "ipv4", "198.18.0.2/", len);
	one_key("port0", "ipv4", "198.18.0.2/0", len);
	one_key("port0", "ipv4", "198.18.0.2/33", len);
	one_key("port0", "ipv4", "198.18.0.2/2x", len);
	one_key("port0", "ipv4", "0.1.2.3/8", uni);
	one_key("port0", "ipv4", "127.0.0.1/8", uni);
	one_key("port0", "ipv4", "224.0.0.1/4", uni);
	one_key("port0", "ipv4", "255.255.255.255/32", uni);
	one_key("port0", "ipv4", "198.18.0.0/24", host);
	one_key("port0", "ipv4", "198.18.0.255/24", host);
	one_key("port0", "gateway4", "198.18.0.256", "an IPv4 address A.B.C.D");
}

static void test_ipv6(void **state)
{
	static const char *addr = "an IPv6 address X::Y/LEN";
	static const char *len = "an IPv6 prefix length in 1..128";
	static const char *uni = "a global or unique local unicast IPv6 address "
				 "(the link-local one is automatic)";

	(void)state;
	one_key("port0", "ipv6", "fd00:dc::2/64", NULL);
	one_key("port0", "ipv6", "2001:db8::1/128", NULL);
	one_key("port0", "ipv6", "fd00:dc::2", addr);
	one_key("port0", "ipv6", "fd00:dc::2%dpg0/64", addr);
	one_key("port0", "ipv6", "fd00:dc:::2/64", addr);
	one_key("port0", "ipv6", "198.18.0.2/24", addr);
	one_key("port0", "ipv6", "fd00:dc::2/0", len);
	one_key("port0", "ipv6", "fd00:dc::2/129", len);
	one_key("port0", "ipv6", "::/64", uni);
	one_key("port0", "ipv6", "::1/128", uni);
	one_key("port0", "ipv6", "ff02::1/64", uni);
	one_key("port0", "ipv6", "fe80::2/64", uni);
	one_key("port0", "ipv6", "::ffff:198.18.0.2/96", uni);
	one_key("port0", "gateway6", "fd00:dc::g", "an IPv6 address X::Y");
}

static void gw_case(const char *ip, const char *gwkey, const char *gw, const char *what)
{
	char text[256], msg[512];
	const char *path;
	struct dpg_config cfg;

	/* the gateway first: it is checked once the section is complete */
	snprintf(text, sizeof(text), "[port0]\ndevice = x0\n%s = %s\n%s\n", gwkey, gw, ip);
	path = write_tmp(text);
	if (what == NULL) {
		load_ok(path, &cfg);
	} else {
		snprintf(msg, sizeof(msg), "[port0] %s: expected %s, got '%s'", gwkey, what, gw);
		expect_error(path, -EINVAL, msg);
	}
}

static void test_gateways(void **state)
{
	static const char *v4 = "ipv4 = 198.18.0.2/24";
	static const char *in4 = "a host address in 198.18.0.0/24 other than 198.18.0.2";
	static const char *v6 = "ipv6 = fd00:dc::2/64";
	static const char *in6 = "a link-local address or one in fd00:dc::/64 other than "
				 "fd00:dc::2";

	(void)state;
	gw_case(v4, "gateway4", "198.18.0.1", NULL);
	gw_case(v4, "gateway4", "198.18.0.254", NULL);
	gw_case(v4, "gateway4", "198.18.1.1", in4);
	gw_case(v4, "gateway4", "198.18.0.2", in4);
	gw_case(v4, "gateway4", "198.18.0.0", in4);
	gw_case(v4, "gateway4", "198.18.0.255", in4);
	gw_case("ipv4 = 198.18.0.2/31", "gateway4", "198.18.0.3", NULL);
	gw_case("", "gateway4", "198.18.0.1",
		"an ipv4 key in [port0] to go with it");
	gw_case(v6, "gateway6", "fd00:dc::1", NULL);
	gw_case(v6, "gateway6", "fe80::1", NULL);
	gw_case(v6, "gateway6", "fd00:dd::1", in6);
	gw_case(v6, "gateway6", "fd00:dc::2", in6);
	gw_case(v6, "gateway6", "ff02::1", in6);
	gw_case("ipv6 = fd00:dc::2/60", "gateway6", "fd00:dc:0:f::1", NULL);
	gw_case("ipv6 = fd00:dc::2/60", "gateway6", "fd00:dc:0:10::1",
		"a link-local address or one in fd00:dc::/60 other than fd00:dc::2");
	gw_case("", "gateway6", "fe80::1", "an ipv6 key in [port0] to go with it");
}

/* Checks across keys and sections, made once the file is read. */
static void test_cross_checks(void **state)
{
	(void)state;
	text_error("[pool]\nmbufs = 300\ncache = 256\n[port0]\ndevice = x0\n",
		   "[pool] cache: expected at most 200 (2/3 of mbufs 300), got '256'");
	text_error("[port0]\ndevice = x0\nmtu = 9000\n",
		   "[port0] mtu: expected at most 2030 for [pool] data_room 2176 (raise "
		   "data_room to mtu + 146), got '9000'");
	text_error("[pool]\ndata_room = 1600\n[port0]\ndevice = x0\n",
		   "[port0] mtu: expected at most 1454 for [pool] data_room 1600 (raise "
		   "data_room to mtu + 146), got '1500'");
	text_error("[port0]\ndevice = x0\n[port1]\ndevice = x0\n",
		   "[port1] device: expected a device no other port uses (it is [port0]'s), "
		   "got 'x0'");
	text_error("[port0]\ndevice = ringpair:w:a\nqueues = 2\n[port1]\n"
		   "device = ringpair:w:b\n",
		   "[port1] queues: expected 2 like the other end of the ringpair, [port0], "
		   "got '1'");
	text_error("[port0]\ndevice = x0\nmtu =\n",
		   "[port0] mtu: expected an integer in 68..9000, got ''");
	text_error("[port0]\ndevice =\n",
		   "[port0] device: expected a device name (vdev name, PCI address or "
		   "ringpair:NAME:a|b) without arguments, got ''");
	text_error("[GLOBAL]\n[port0]\ndevice = x0\n",
		   "[GLOBAL]: expected one of [eal], [pool], [neigh], [mcast], [frag], [icmp], [port0]..[port3], "
		   "got 'GLOBAL'");
}

static void test_devices(void **state)
{
	static const char *rp = "ringpair:NAME:a or ringpair:NAME:b with NAME of 1..16 "
				"letters, digits or '_'";
	static const char *plain = "a device name (vdev name, PCI address or "
				   "ringpair:NAME:a|b) without arguments";

	(void)state;
	one_key("port0", "queues", "2", NULL);
	one_key("port0", "ipv4", "198.18.0.2/24", NULL);
	one_key("port0", "device", "ringpair:wire:a", NULL);
	one_key("port0", "device", "ringpair:Wire_2:b", NULL);
	one_key("port0", "device", "ringpair:0123456789abcdef:b", NULL);
	one_key("port0", "device", "ringpair:0123456789abcdefg:b", rp);
	one_key("port0", "device", "ringpair::a", rp);
	one_key("port0", "device", "ringpair:wire", rp);
	one_key("port0", "device", "ringpair:wire:c", rp);
	one_key("port0", "device", "ringpair:wire:ab", rp);
	one_key("port0", "device", "ringpair:wi-re:a", rp);
	one_key("port0", "device", "net_tap0,iface=dpg0", plain);
	one_key("port0", "device", "net tap0", plain);
}

/* Every file in drivers-cfg/ loads, and the default one is DESIGN.md's. */
static void test_drivers_cfg(void **state)
{
	char pattern[PATH_MAX];
	struct dpg_config cfg;
	glob_t g;

	(void)state;
	snprintf(pattern, sizeof(pattern), "%s/drivers-cfg/*.ini", srcdir());
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 6);
	for (size_t i = 0; i < g.gl_pathc; i++)
		load_ok(g.gl_pathv[i], &cfg);
	globfree(&g);

	snprintf(pattern, sizeof(pattern), "%s/drivers-cfg/net_tap.ini", srcdir());
	load_ok(pattern, &cfg);
	assert_non_null(strstr(cfg.eal_args, "--vdev=net_tap0,iface=dpg0"));
	assert_non_null(strstr(cfg.eal_args, "--no-huge"));
	assert_int_equal(cfg.nports, 1);
	assert_string_equal(cfg.port[0].device, "net_tap0");
	assert_ip4(cfg.port[0].ip4, "198.18.0.2");
	assert_int_equal(cfg.port[0].ip4_prefix, 24);
	assert_ip4(cfg.port[0].gw4, "198.18.0.1");
	assert_ip6(&cfg.port[0].ip6, "fd00:dc::2");
	assert_int_equal(cfg.port[0].ip6_prefix, 64);
	assert_int_equal(cfg.port[0].mtu, 1500);

	snprintf(pattern, sizeof(pattern), "%s/drivers-cfg/net_ring.ini", srcdir());
	load_ok(pattern, &cfg);
	assert_int_equal(cfg.nports, 2);
	assert_string_equal(cfg.port[0].device, "ringpair:wire:a");
	assert_string_equal(cfg.port[1].device, "ringpair:wire:b");
	assert_ip4(cfg.port[0].ip4, "198.18.0.2");
	assert_ip4(cfg.port[1].ip4, "198.18.0.1");
}

static void test_default_path(void **state)
{
	const char *path;

	(void)state;
	setenv("DPGRAM_CONFIG_DIR", "/somewhere/cfg", 1);
	assert_string_equal(config_default_path(), "/somewhere/cfg/net_tap.ini");
	unsetenv("DPGRAM_CONFIG_DIR");
	path = config_default_path();
	assert_true(strlen(path) > strlen("drivers-cfg/net_tap.ini"));
	assert_string_equal(path + strlen(path) - strlen("drivers-cfg/net_tap.ini"),
			    "drivers-cfg/net_tap.ini");
	/* the source tree's or the installed copy, when the build said where */
	if (access(path, R_OK) == 0) {
		struct dpg_config cfg;

		load_ok(path, &cfg);
		assert_string_equal(cfg.port[0].device, "net_tap0");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, remove_tmp),
		cmocka_unit_test_teardown(test_every_key, remove_tmp),
		cmocka_unit_test_teardown(test_comments, remove_tmp),
		cmocka_unit_test_teardown(test_error_fixtures, remove_tmp),
		cmocka_unit_test_teardown(test_lines, remove_tmp),
		cmocka_unit_test_teardown(test_unreadable, remove_tmp),
		cmocka_unit_test_teardown(test_numbers, remove_tmp),
		cmocka_unit_test_teardown(test_ipv4, remove_tmp),
		cmocka_unit_test_teardown(test_ipv6, remove_tmp),
		cmocka_unit_test_teardown(test_gateways, remove_tmp),
		cmocka_unit_test_teardown(test_cross_checks, remove_tmp),
		cmocka_unit_test_teardown(test_devices, remove_tmp),
		cmocka_unit_test_teardown(test_drivers_cfg, remove_tmp),
		cmocka_unit_test_teardown(test_default_path, remove_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
