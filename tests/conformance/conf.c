/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The conformance harness (conf.h): the per-test fixture, the datagram
 * recorder, polling helpers and the kernel as a peer. The helpers fail the
 * running test (cmocka longjmp) instead of returning errors, so that tests
 * read as a list of behaviours.
 *
 * Addresses are parsed here with inet_pton(), not with dpg_ip4_addr(): the
 * harness must not depend on the code under test for its own plumbing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"

const struct conf_env *conf_env;

/* ---- test-owned memory ---- */

/* Blocks handed out by conf_alloc() since the current test's setup. Tests run
 * one at a time, so a plain list is enough. */
struct conf_block {
	struct conf_block *next;
	max_align_t data[];
};
static struct conf_block *conf_blocks;

void *conf_alloc(size_t size)
{
	struct conf_block *b = calloc(1, sizeof(*b) + size);

	if (b == NULL)
		fail_msg("conf_alloc(%zu): out of memory", size);
	b->next = conf_blocks;
	conf_blocks = b;
	return b->data;
}

static void conf_free_all(void)
{
	while (conf_blocks != NULL) {
		struct conf_block *b = conf_blocks;

		conf_blocks = b->next;
		free(b);
	}
}

struct conf_rec *conf_rec_new(void)
{
	return conf_alloc(sizeof(struct conf_rec));
}

/* ---- fixture ---- */

int conf_setup(void **state)
{
	struct conf_fx *fx = calloc(1, sizeof(*fx));
	int rc;

	if (fx == NULL)
		fail_msg("conf_setup: out of memory");
	fx->leaks = dpg_mbuf_leaks();
	rc = dpg_stack_open(&conf_env->cfg, &fx->st);
	if (rc != 0) {
		free(fx);
		fail_msg("dpg_stack_open(backend %s): %d (%s)", conf_env->name,
			 rc, dpg_strerror(rc));
	}
	if (conf_env->stack_opened != NULL)
		conf_env->stack_opened(conf_env);
	*state = fx;
	return 0;
}

int conf_teardown(void **state)
{
	struct conf_fx *fx = *state;
	uint64_t before, leaked;

	if (fx == NULL) {
		conf_free_all();
		return 0;
	}
	/* The stack first: its sockets may still point at recorders. */
	before = fx->leaks;
	dpg_stack_close(fx->st);
	free(fx);
	*state = NULL;
	conf_free_all();
	/* Everything is freed before the check, since failing longjmps. The
	 * count is process-wide, so it also covers stacks the test opened
	 * and closed itself. */
	leaked = dpg_mbuf_leaks() - before;
	if (leaked != 0)
		fail_msg("%" PRIu64 " packet buffer(s) missing from their pool "
			 "after dpg_stack_close (dpg_mbuf_leaks %" PRIu64
			 " -> %" PRIu64 ")", leaked, before, dpg_mbuf_leaks());
	return 0;
}

/* ---- capability marks ---- */

static const char *const conf_cap_names[CONF_NCAPS] = {
	[CONF_CAPB_IPV6] = "IPv6",
	[CONF_CAPB_MCAST] = "multicast",
	[CONF_CAPB_BCAST] = "broadcast",
	[CONF_CAPB_FRAG] = "IP fragmentation",
};

static bool conf_all_caps(void)
{
	const char *v = getenv("DPGRAM_CONF_ALL_CAPS");

	return v != NULL && strcmp(v, "1") == 0;
}

/* Whether cap b's issue was named already for a lower bit of missing. */
static bool conf_todo_seen(unsigned missing, unsigned b)
{
	const char *t = conf_env->cap_todo[b];
	unsigned d;

	for (d = 0; d < b; d++)
		if ((missing & (1u << d)) && conf_env->cap_todo[d] != NULL &&
		    strcmp(conf_env->cap_todo[d], t) == 0)
			return true;
	return false;
}

/* For the caps in missing: their names ("IPv6 and multicast") and the
 * issues that bring them, each once ("issue 4, issue 5"). The buffers hold
 * every combination of CONF_NCAPS caps. */
static void conf_caps_text(unsigned missing, char names[64], char todo[64])
{
	unsigned b, left = missing;
	int n = 0, t = 0;

	names[0] = todo[0] = '\0';
	for (b = 0; b < CONF_NCAPS; b++) {
		const char *issue = conf_env->cap_todo[b];

		if (!(missing & (1u << b)))
			continue;
		left &= ~(1u << b);
		n += snprintf(names + n, 64 - (size_t)n, "%s%s",
			      n == 0 ? "" : left != 0 ? ", " : " and ",
			      conf_cap_names[b]);
		if (issue != NULL && !conf_todo_seen(missing, b))
			t += snprintf(todo + t, 64 - (size_t)t, "%s%s",
				      t == 0 ? "" : ", ", issue);
	}
}

void conf_require(unsigned caps, const char *why)
{
	unsigned missing = caps & ~conf_env->caps;
	char names[64], todo[64];

	if (missing == 0 || conf_all_caps())
		return;
	conf_caps_text(missing, names, todo);
	/* stdout first, so that the message follows the test's RUN line. */
	fflush(stdout);
	fprintf(stderr, "conformance: needs %s on the %s backend%s%s%s%s%s\n",
		names, conf_env->name, todo[0] ? " (" : "", todo,
		todo[0] ? ")" : "", why != NULL ? ": " : "",
		why != NULL ? why : "");
	skip();
}

/* ---- addresses ---- */

/* Parse "addr" or "addr%scope" (scope: interface name or index). */
static bool conf_parse6(const char *ip, struct sockaddr_in6 *sin6)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	char *pct;

	if (ip == NULL || *ip == '\0')
		return true; /* "::", as dpg_ip6_addr() */
	if (strlen(ip) >= sizeof(host))
		return false;
	strcpy(host, ip);
	pct = strchr(host, '%');
	if (pct != NULL) {
		char *end;
		unsigned long idx;

		*pct++ = '\0';
		idx = strtoul(pct, &end, 10);
		if (*pct != '\0' && *end == '\0')
			sin6->sin6_scope_id = (uint32_t)idx;
		else
			sin6->sin6_scope_id = if_nametoindex(pct);
		if (sin6->sin6_scope_id == 0)
			return false;
	}
	return inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1;
}

struct sockaddr_in conf_sin(const char *ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons(port);
	if (ip != NULL && *ip != '\0' &&
	    inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		fail_msg("conf_sin: '%s' is not an IPv4 address", ip);
	return sin;
}

struct sockaddr_in6 conf_sin6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	sin6.sin6_port = htons(port);
	if (!conf_parse6(ip, &sin6))
		fail_msg("conf_sin6: '%s' is not an IPv6 address", ip);
	return sin6;
}

static int conf_ip_family(const char *ip)
{
	return ip != NULL && strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
}

struct sockaddr_storage conf_ss(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (conf_ip_family(ip) == AF_INET6) {
		struct sockaddr_in6 sin6 = conf_sin6(ip, port);

		memcpy(&ss, &sin6, sizeof(sin6));
	} else {
		struct sockaddr_in sin = conf_sin(ip, port);

		memcpy(&ss, &sin, sizeof(sin));
	}
	return ss;
}

static socklen_t conf_sa_len(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in);
}

uint16_t conf_sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	fail_msg("conf_sa_port: family %d is neither AF_INET nor AF_INET6",
		 ss->ss_family);
	return 0;
}

/* "a.b.c.d:port" / "[v6%scope]:port" for failure messages. */
static const char *conf_sa_text(const struct sockaddr_storage *ss, char *buf,
				size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s%%%u]:%u", ip, sin6->sin6_scope_id,
			 ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "(family %d)", ss->ss_family);
	}
	return buf;
}

static bool conf_sa_ip_equal(const struct sockaddr_storage *a,
			     const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr,
		      sizeof(struct in6_addr)) == 0;
}

void conf_assert_sa(const struct sockaddr_storage *ss, const char *ip,
		    int port)
{
	char got[DPG_ADDRSTRLEN];
	bool ok = true;

	if (ip != NULL) {
		struct sockaddr_storage want = conf_ss(ip, 0);

		ok = conf_sa_ip_equal(ss, &want);
	} else if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6) {
		ok = false;
	}
	if (ok && port >= 0)
		ok = conf_sa_port(ss) == port;
	if (!ok)
		fail_msg("address %s, expected %s port %d",
			 conf_sa_text(ss, got, sizeof(got)),
			 ip != NULL ? ip : "(any)", port);
}

/* ---- dpgram sockets ---- */

uint16_t conf_port(struct dpg_socket *s)
{
	struct sockaddr_storage ss;
	int rc = dpg_address(s, &ss);

	if (rc != 0)
		fail_msg("dpg_address: %d (%s)", rc, dpg_strerror(rc));
	return conf_sa_port(&ss);
}

void conf_assert_unbound(struct dpg_socket *s)
{
	struct sockaddr_storage ss;
	int rc = dpg_address(s, &ss);

	if (rc != -EBADF)
		fail_msg("dpg_address of a socket that should be unbound: %d "
			 "(%s), expected -EBADF", rc, dpg_strerror(rc));
}

static void rec_data(struct dpg_socket *sock, const void *buf, size_t len,
		     const struct dpg_rinfo *rinfo, void *user)
{
	struct conf_rec *rec = user;

	if (rec->count < CONF_REC_MAX) {
		size_t keep = len;

		if (keep > sizeof(rec->msg[0].data))
			keep = sizeof(rec->msg[0].data);
		rec->msg[rec->count].len = len;
		rec->msg[rec->count].rinfo = *rinfo;
		if (keep > 0)
			memcpy(rec->msg[rec->count].data, buf, keep);
	}
	rec->count++;
	if (rec->close_in_data)
		dpg_close(sock);
}

static void rec_drain(struct dpg_socket *sock, void *user)
{
	struct conf_rec *rec = user;

	(void)sock;
	rec->drains++;
}

static void rec_error(struct dpg_socket *sock, int err, void *user)
{
	struct conf_rec *rec = user;

	(void)sock;
	rec->errors++;
	rec->last_error = err;
}

static struct dpg_socket *conf_open(struct dpg_stack *st,
				    const struct dpg_socket_opts *opts)
{
	struct dpg_socket *s = NULL;
	int rc = dpg_socket_open(st, opts, &s);

	if (rc != 0)
		fail_msg("dpg_socket_open(family %d): %d (%s)", opts->family,
			 rc, dpg_strerror(rc));
	if (s == NULL)
		fail_msg("dpg_socket_open returned 0 and no socket");
	return s;
}

struct dpg_socket *conf_rec_socket(struct dpg_stack *st, int family,
				   struct conf_rec *rec,
				   const struct dpg_socket_opts *extra)
{
	struct dpg_socket_opts opts = { 0 };

	if (extra != NULL)
		opts = *extra;
	opts.family = family;
	opts.on.data = rec_data;
	opts.on.drain = rec_drain;
	opts.on.error = rec_error;
	opts.user = rec;
	return conf_open(st, &opts);
}

struct dpg_socket *conf_socket(struct dpg_stack *st, int family,
			       const struct dpg_socket_opts *extra)
{
	struct dpg_socket_opts opts = { 0 };

	if (extra != NULL)
		opts = *extra;
	opts.family = family;
	return conf_open(st, &opts);
}

void conf_bind(struct dpg_socket *s, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	int family = dpg_socket_family(s);
	int rc;

	/* NULL is the wildcard of the socket's family. */
	ss = conf_ss(ip == NULL && family == AF_INET6 ? "::" : ip, port);
	rc = dpg_bind(s, CONF_SA(&ss));
	if (rc != 0)
		fail_msg("dpg_bind(%s port %u): %d (%s)", ip ? ip : "(any)",
			 port, rc, dpg_strerror(rc));
}

struct dpg_socket *conf_rec_bound(struct dpg_stack *st, int family,
				  struct conf_rec *rec, const char *ip)
{
	struct dpg_socket *s = conf_rec_socket(st, family, rec, NULL);

	conf_bind(s, ip, 0);
	return s;
}

void conf_send(struct dpg_socket *s, const void *buf, size_t len,
	       const struct sockaddr *dst)
{
	int rc = dpg_send(s, buf, len, dst);

	if (rc != 0)
		fail_msg("dpg_send(%zu bytes): %d (%s)", len, rc,
			 dpg_strerror(rc));
}

struct dpg_stats conf_stats(struct dpg_stack *st)
{
	struct dpg_stats stats;
	int rc = dpg_stack_stats(st, &stats);

	if (rc != 0)
		fail_msg("dpg_stack_stats: %d (%s)", rc, dpg_strerror(rc));
	return stats;
}

/* ---- polling ---- */

int64_t conf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One dpg_poll() of at most slice_ms, bounded by the deadline. */
static void conf_poll_once(struct dpg_stack *st, int64_t deadline,
			   int slice_ms)
{
	int64_t left = deadline - conf_now_ms();
	int rc;

	if (left < 0)
		left = 0;
	if (left > slice_ms)
		left = slice_ms;
	rc = dpg_poll(st, (int)left);
	if (rc < 0)
		fail_msg("dpg_poll: %d (%s)", rc, dpg_strerror(rc));
}

bool conf_poll_until(struct dpg_stack *st, bool (*pred)(void *), void *arg,
		     int timeout_ms)
{
	int64_t deadline = conf_now_ms() + timeout_ms;

	/* Short slices: pred may depend on something other than delivery
	 * (a drain, a counter), which would not wake a long dpg_poll(). */
	while (!pred(arg) && conf_now_ms() < deadline)
		conf_poll_once(st, deadline, 10);
	return pred(arg);
}

struct conf_count_arg {
	const struct conf_rec *rec;
	unsigned n;
};

static bool conf_count_reached(void *p)
{
	const struct conf_count_arg *a = p;

	return a->rec->count >= a->n;
}

bool conf_wait_count(struct dpg_stack *st, struct conf_rec *rec, unsigned n,
		     int timeout_ms)
{
	struct conf_count_arg a = { rec, n };

	return conf_poll_until(st, conf_count_reached, &a, timeout_ms);
}

void conf_poll_for(struct dpg_stack *st, int ms)
{
	int64_t deadline = conf_now_ms() + ms;

	while (conf_now_ms() < deadline)
		conf_poll_once(st, deadline, ms);
}

/* ---- the kernel as a peer ---- */

int conf_ksock(int family, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	int fd;

	ss = conf_ss(ip == NULL && family == AF_INET6 ? "::" : ip, port);
	if (ss.ss_family != family)
		fail_msg("conf_ksock: '%s' is not of family %d", ip, family);
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail_msg("conf_ksock: socket: %s", strerror(errno));
	if (bind(fd, CONF_SA(&ss), conf_sa_len(CONF_SA(&ss))) != 0) {
		int err = errno;

		close(fd);
		fail_msg("conf_ksock: bind %s port %u: %s", ip ? ip : "(any)",
			 port, strerror(err));
	}
	return fd;
}

uint16_t conf_kport(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		fail_msg("conf_kport: getsockname: %s", strerror(errno));
	return conf_sa_port(&ss);
}

void conf_ksock_recvttl(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int one = 1;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		fail_msg("conf_ksock_recvttl: getsockname: %s",
			 strerror(errno));
	if (ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
		       sizeof(one)) != 0)
		fail_msg("IPV6_RECVHOPLIMIT: %s", strerror(errno));
	/* Also on IPv6 sockets: IPv4 datagrams reach dual-stack ones. */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) != 0 &&
	    ss.ss_family == AF_INET)
		fail_msg("IP_RECVTTL: %s", strerror(errno));
}

static int conf_cmsg_ttl(struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		int v;

		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v;
		}
	}
	return -1;
}

int conf_krecv(int fd, void *buf, size_t cap, struct sockaddr_storage *from,
	       int *ttl, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int)) * 2];
	} cbuf;
	struct sockaddr_storage src;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = {
		.msg_name = &src, .msg_namelen = sizeof(src),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &cbuf, .msg_controllen = sizeof(cbuf),
	};
	ssize_t n;
	int rc;

	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return -1;
	memset(&src, 0, sizeof(src));
	n = recvmsg(fd, &mh, 0);
	if (n < 0)
		return -1;
	if (from != NULL)
		*from = src;
	if (ttl != NULL)
		*ttl = conf_cmsg_ttl(&mh);
	return (int)n;
}

int conf_krecv_poll(struct dpg_stack *st, int fd, void *buf, size_t cap,
		    struct sockaddr_storage *from, int *ttl, int timeout_ms)
{
	int64_t deadline = conf_now_ms() + timeout_ms;
	int n;

	for (;;) {
		int rc = dpg_poll(st, 0);

		if (rc < 0)
			fail_msg("dpg_poll: %d (%s)", rc, dpg_strerror(rc));
		n = conf_krecv(fd, buf, cap, from, ttl, 5);
		if (n >= 0 || conf_now_ms() >= deadline)
			return n;
	}
}

void conf_ksend(int fd, const void *buf, size_t len, const struct sockaddr *dst)
{
	ssize_t n = sendto(fd, buf, len, 0, dst, conf_sa_len(dst));

	if (n != (ssize_t)len)
		fail_msg("conf_ksend(%zu bytes): %s", len,
			 n < 0 ? strerror(errno) : "short send");
}

void conf_ksend_seq(int fd, const struct sockaddr *dst, unsigned n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		conf_ksend(fd, &i, sizeof(i), dst);
}

void conf_settle(void)
{
	usleep(20 * 1000);
}

uint16_t conf_free_port(int family)
{
	int fd = conf_ksock(family, NULL, 0);
	uint16_t port = conf_kport(fd);

	close(fd);
	return port;
}

unsigned conf_ifindex_of(const char *ip)
{
	struct sockaddr_storage want = conf_ss(ip, 0);
	struct ifaddrs *all, *ifa;
	unsigned idx = 0;

	if (getifaddrs(&all) != 0)
		fail_msg("getifaddrs: %s", strerror(errno));
	for (ifa = all; ifa != NULL && idx == 0; ifa = ifa->ifa_next) {
		struct sockaddr_storage have;

		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != want.ss_family)
			continue;
		memset(&have, 0, sizeof(have));
		memcpy(&have, ifa->ifa_addr, conf_sa_len(ifa->ifa_addr));
		if (conf_sa_ip_equal(&have, &want))
			idx = if_nametoindex(ifa->ifa_name);
	}
	freeifaddrs(all);
	if (idx == 0)
		fail_msg("no interface holds %s", ip);
	return idx;
}
