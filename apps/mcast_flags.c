/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpgram-mcast's command line: which flags each command takes, and every
 * value checked before a stack is opened, so that a mistake is exit 2 with
 * the flag's name rather than an errno from deep inside a join.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

#include "mcast.h"

static const char usage[] =
	"Usage: dpgram-mcast recv --group G [--source S] [--iface ADDR] --port N\n"
	"                         [--count N] [common flags]\n"
	"       dpgram-mcast send --group G --port N [--ttl T] [--loop 0|1]\n"
	"                         [--iface ADDR] [--count N] [--rate PPS] [common flags]\n"
	"       dpgram-mcast send --broadcast ADDR --port N [--ttl T] [--iface ADDR]\n"
	"                         [--count N] [--rate PPS] [common flags]\n"
	"Common flags: [--backend kernel|dpdk] [--config FILE] [--stats SECS] [--help]\n"
	"\n"
	"recv joins a multicast group and prints 'from ADDR:PORT LEN bytes' per\n"
	"datagram; send sends datagrams \"dpgram-mcast #i\" to a group or to a\n"
	"broadcast address. The family (IPv4 or IPv6) is the group's.\n"
	"\n"
	"  --group G         multicast group: 224.0.0.0/4 or ff00::/8 (a scoped\n"
	"                    IPv6 group such as ff02::1%dpg0 names its interface)\n"
	"  --source S        recv: join source-specific, only S's datagrams (a\n"
	"                    unicast address of the group's family)\n"
	"  --iface ADDR      the interface: IPv4 an address of the stack\n"
	"                    (198.18.0.2); IPv6 ::%IFNAME, ::%INDEX or an own address;\n"
	"                    default: the stack chooses; with --broadcast, the\n"
	"                    address to send from (and so its interface)\n"
	"  --port N          the group's UDP port, 1..65535\n"
	"  --count N         recv: exit after N datagrams (default: until a signal);\n"
	"                    send: datagrams to send, 1..1000000000 (default 10)\n"
	"  --ttl T           send: multicast TTL / hop limit 0..255 (default 1); with\n"
	"                    --broadcast the IPv4 TTL 1..255 (default 64)\n"
	"  --loop 0|1        send: own datagrams to local members (default 1)\n"
	"  --rate PPS        send: datagrams per second, 1..1000000 (default 10)\n"
	"  --broadcast ADDR  send to an IPv4 broadcast address (255.255.255.255 or\n"
	"                    a subnet's, such as 198.18.0.255) instead of a group\n"
	"  --backend NAME    kernel (default: Linux UDP sockets) or dpdk\n"
	"  --config FILE     drivers-cfg INI file (dpdk backend)\n"
	"  --stats SECS      print rx/tx/drops and rates every SECS seconds\n"
	"  --help            this text\n"
	"\n"
	"Prints one 'listening on ADDR:PORT' line when ready; on SIGINT/SIGTERM,\n"
	"after --count datagrams received, or when send is done, prints totals and\n"
	"exits 0 (1 if a send failed or the group could not be joined). Bad flags\n"
	"exit 2.\n";

enum {
	OPT_GROUP = APP_OPT_PRIVATE,
	OPT_SOURCE,
	OPT_IFACE,
	OPT_PORT,
	OPT_COUNT,
	OPT_TTL,
	OPT_LOOP,
	OPT_RATE,
	OPT_BROADCAST,
};

static const struct option longopts[] = {
	APP_LONGOPTS_COMMON,
	APP_LONGOPT_STATS,
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "iface", required_argument, NULL, OPT_IFACE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "loop", required_argument, NULL, OPT_LOOP },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "broadcast", required_argument, NULL, OPT_BROADCAST },
	{ NULL, 0, NULL, 0 },
};

#define BIT(opt) (1u << ((opt) - APP_OPT_PRIVATE))
/* The flags each command takes (the common ones aside). */
#define RECV_FLAGS (BIT(OPT_GROUP) | BIT(OPT_SOURCE) | BIT(OPT_IFACE) | \
		    BIT(OPT_PORT) | BIT(OPT_COUNT))
#define SEND_FLAGS (BIT(OPT_GROUP) | BIT(OPT_IFACE) | BIT(OPT_PORT) | \
		    BIT(OPT_COUNT) | BIT(OPT_TTL) | BIT(OPT_LOOP) |      \
		    BIT(OPT_RATE) | BIT(OPT_BROADCAST))

static const char *flag_name(int opt)
{
	static char buf[32];
	const struct option *o;

	for (o = longopts; o->name != NULL; o++)
		if (o->val == opt)
			break;
	snprintf(buf, sizeof(buf), "--%s", o->name ? o->name : "?");
	return buf;
}

/* An interface name or index after '%': only its form is checked here, as
 * the dpdk backend creates its interface (dpg0) when the stack opens; dpgram
 * resolves the name at the call. */
static bool scope_ok(const char *scope)
{
	size_t n = strlen(scope);

	return n > 0 && n < IF_NAMESIZE && strpbrk(scope, "%/ \t") == NULL;
}

/* An address flag into *out: IPv4, IPv6, "[v6]", or IPv6 with "%scope". */
static void parse_addr(const struct mcast *m, const char *flag,
		       const char *arg, struct mcast_addr *out)
{
	char host[DPG_ADDRSTRLEN];
	char *pct;
	size_t n = strlen(arg);

	memset(out, 0, sizeof(*out));
	if (n >= 2 && arg[0] == '[' && arg[n - 1] == ']') {
		arg++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(out->text))
		goto bad;
	memcpy(out->text, arg, n);
	memcpy(host, arg, n);
	host[n] = '\0';
	pct = strchr(host, '%');
	if (pct != NULL) {
		*pct = '\0';
		if (!scope_ok(pct + 1) ||
		    dpg_ip6_addr(host, 0, (struct sockaddr_in6 *)&out->sa) < 0)
			goto bad;
		return;
	}
	if (dpg_ip4_addr(host, 0, (struct sockaddr_in *)&out->sa) == 0 ||
	    dpg_ip6_addr(host, 0, (struct sockaddr_in6 *)&out->sa) == 0)
		return;
bad:
	app_usage_error(&m->app, "%s: expected an IPv4 or IPv6 address (such as 239.1.2.3, ff15::1, ::%%dpg0), got '%s'",
			flag, arg);
}

static bool is_v4(const struct mcast_addr *a)
{
	return a->sa.ss_family == AF_INET;
}

static uint32_t v4(const struct mcast_addr *a)
{
	return ntohl(((const struct sockaddr_in *)&a->sa)->sin_addr.s_addr);
}

static const struct in6_addr *v6(const struct mcast_addr *a)
{
	return &((const struct sockaddr_in6 *)&a->sa)->sin6_addr;
}

static bool is_mcast(const struct mcast_addr *a)
{
	return is_v4(a) ? IN_MULTICAST(v4(a)) : IN6_IS_ADDR_MULTICAST(v6(a));
}

static bool is_unspecified(const struct mcast_addr *a)
{
	return is_v4(a) ? v4(a) == INADDR_ANY : IN6_IS_ADDR_UNSPECIFIED(v6(a));
}

static void same_family(const struct mcast *m, const char *flag,
			const struct mcast_addr *a)
{
	if (a->text[0] != '\0' && a->sa.ss_family != m->group.sa.ss_family)
		app_usage_error(&m->app, "%s: '%s' is IPv%c, the group %s is IPv%c",
				flag, a->text, is_v4(a) ? '4' : '6',
				m->group.text, is_v4(&m->group) ? '4' : '6');
}

static void check_group(const struct mcast *m)
{
	const struct mcast_addr *g = &m->group;

	if (m->broadcast && (!is_v4(g) || IN_MULTICAST(v4(g)) ||
			     is_unspecified(g)))
		app_usage_error(&m->app, "--broadcast: expected an IPv4 broadcast address (255.255.255.255 or a subnet's, such as 198.18.0.255), got '%s'",
				g->text);
	if (!m->broadcast && !is_mcast(g))
		app_usage_error(&m->app, "--group: '%s' is not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8)",
				g->text);
}

static void check_addrs(struct mcast *m)
{
	const struct mcast_addr *s = &m->source, *i = &m->iface;

	check_group(m);
	same_family(m, "--source", s);
	same_family(m, "--iface", i);
	if (s->text[0] != '\0' && (is_mcast(s) || is_unspecified(s) ||
				   (is_v4(s) && v4(s) == INADDR_BROADCAST)))
		app_usage_error(&m->app, "--source: expected a unicast address, got '%s'",
				s->text);
	/* 0.0.0.0 and "::" say "the default", as in dpgram's calls. */
	if (i->text[0] != '\0' && (is_mcast(i) ||
				   (is_v4(i) && v4(i) == INADDR_BROADCAST)))
		app_usage_error(&m->app, "--iface: expected an address of the stack or ::%%IFNAME, got '%s'",
				i->text);
	if (is_v4(&m->group))
		((struct sockaddr_in *)&m->group.sa)->sin_port = htons(m->port);
	else
		((struct sockaddr_in6 *)&m->group.sa)->sin6_port = htons(m->port);
}

/* The command word, the flags it may take, those it needs. */
static void check_command(struct mcast *m, int argc, char **argv, unsigned seen)
{
	unsigned allowed, bit;

	if (optind >= argc)
		app_usage_error(&m->app, "expected a command: recv or send");
	if (strcmp(argv[optind], "send") == 0)
		m->sender = true;
	else if (strcmp(argv[optind], "recv") != 0)
		app_usage_error(&m->app, "unknown command '%s': expected recv or send",
				argv[optind]);
	optind++;
	app_no_positional(&m->app, argc, argv);
	allowed = m->sender ? SEND_FLAGS : RECV_FLAGS;
	for (bit = 0; bit < 32; bit++)
		if ((seen & ~allowed) & (1u << bit))
			app_usage_error(&m->app, "%s: not a flag of '%s'",
					flag_name(APP_OPT_PRIVATE + (int)bit),
					m->sender ? "send" : "recv");
	if ((seen & BIT(OPT_GROUP)) && (seen & BIT(OPT_BROADCAST)))
		app_usage_error(&m->app, "--group and --broadcast: give one destination");
	if (!(seen & (BIT(OPT_GROUP) | BIT(OPT_BROADCAST))))
		app_usage_error(&m->app, m->sender ?
				"--group G (or --broadcast ADDR) is required" :
				"--group G is required");
	if (!(seen & BIT(OPT_PORT)))
		app_usage_error(&m->app, "--port N is required");
}

/* The numbers whose range depends on the command. */
static void check_numbers(struct mcast *m, unsigned seen)
{
	if (m->sender && !(seen & BIT(OPT_COUNT)))
		m->count = 10;
	if (m->sender && m->count > MCAST_MAX_COUNT)
		app_usage_error(&m->app, "--count: expected an integer from 1 to %u for send, got %llu",
				MCAST_MAX_COUNT, (unsigned long long)m->count);
	if (m->broadcast && m->ttl == 0)
		app_usage_error(&m->app, "--ttl: expected 1 to 255 with --broadcast (a unicast TTL), got 0");
	if (m->broadcast && m->loop >= 0)
		app_usage_error(&m->app, "--loop: multicast loopback means nothing with --broadcast");
}

static void set_flag(struct mcast *m, int opt, const char *arg)
{
	switch (opt) {
	case OPT_GROUP:
	case OPT_BROADCAST:
		parse_addr(m, flag_name(opt), arg, &m->group);
		m->broadcast = opt == OPT_BROADCAST;
		break;
	case OPT_SOURCE:
		parse_addr(m, "--source", arg, &m->source);
		break;
	case OPT_IFACE:
		parse_addr(m, "--iface", arg, &m->iface);
		break;
	case OPT_PORT:
		m->port = app_parse_port(&m->app, "--port", arg, false);
		break;
	case OPT_COUNT:
		m->count = app_parse_uint(&m->app, "--count", arg, 1, UINT64_MAX);
		break;
	case OPT_TTL:
		m->ttl = (int)app_parse_uint(&m->app, "--ttl", arg, 0, 255);
		break;
	case OPT_LOOP:
		if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
			app_usage_error(&m->app, "--loop: expected 0 or 1, got '%s'",
					arg);
		m->loop = arg[0] == '1';
		break;
	case OPT_RATE:
		m->rate = (unsigned)app_parse_uint(&m->app, "--rate", arg, 1,
						   MCAST_MAX_RATE);
		break;
	}
}

void mcast_parse_flags(struct mcast *m, int argc, char **argv)
{
	unsigned seen = 0;
	int opt;

	memset(m, 0, sizeof(*m));
	app_init(&m->app, "dpgram-mcast", usage);
	m->ttl = -1;
	m->loop = -1;
	m->rate = 10;
	while ((opt = app_getopt(&m->app, argc, argv, longopts)) != -1) {
		if (seen & BIT(opt))
			app_usage_error(&m->app, "%s: given twice", flag_name(opt));
		seen |= BIT(opt);
		set_flag(m, opt, optarg);
	}
	check_command(m, argc, argv, seen);
	check_numbers(m, seen);
	check_addrs(m);
}
