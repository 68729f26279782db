/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tests' harness, addresses and sockets: see wire.h.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <cmocka.h>

#include "wire.h"

/* ---- addresses ---- */

struct sockaddr_storage wire_addr6(const char *ip, uint16_t port,
				   uint32_t scope)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_scope_id = scope;
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) != 1)
		fail_msg("'%s' is not an IPv6 address", ip);
	return ss;
}

struct sockaddr_storage wire_addr(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	if (strchr(ip, ':') != NULL)
		return wire_addr6(ip, port, 0);
	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1)
		fail_msg("'%s' is not an IPv4 address", ip);
	return ss;
}

uint16_t wire_port(struct dpg_socket *s)
{
	struct sockaddr_storage ss;
	int rc = dpg_address(s, &ss);

	if (rc != 0)
		fail_msg("dpg_address: %d (%s)", rc, dpg_strerror(rc));
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void assert_from6(const struct sockaddr_storage *ss, const char *ip,
		  uint16_t port, uint32_t scope)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	struct sockaddr_storage want = wire_addr6(ip, port, scope);
	const struct sockaddr_in6 *w6 = (const struct sockaddr_in6 *)&want;
	char got[INET6_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET6, &sin6->sin6_addr, got, sizeof(got));
	if (ss->ss_family != AF_INET6 ||
	    memcmp(&sin6->sin6_addr, &w6->sin6_addr, 16) != 0 ||
	    sin6->sin6_port != w6->sin6_port ||
	    sin6->sin6_scope_id != scope)
		fail_msg("from [%s%%%u]:%u (family %d), expected [%s%%%u]:%u",
			 got, (unsigned)sin6->sin6_scope_id,
			 ntohs(sin6->sin6_port), ss->ss_family, ip,
			 (unsigned)scope, port);
}

void assert_from(const struct sockaddr_storage *ss, const char *ip,
		 uint16_t port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char got[INET_ADDRSTRLEN] = "?";

	if (strchr(ip, ':') != NULL) {
		assert_from6(ss, ip, port, 0);
		return;
	}
	inet_ntop(AF_INET, &sin->sin_addr, got, sizeof(got));
	if (ss->ss_family != AF_INET || strcmp(got, ip) != 0 ||
	    ntohs(sin->sin_port) != port)
		fail_msg("from %s:%u (family %d), expected %s:%u", got,
			 ntohs(sin->sin_port), ss->ss_family, ip, port);
}

/* ---- sockets ---- */

static void rec_data(struct dpg_socket *sock, const void *buf, size_t len,
		     const struct dpg_rinfo *rinfo, void *user)
{
	struct rec *r = user;

	(void)sock;
	if (r->count < REC_MAX) {
		r->msg[r->count].len = len;
		r->msg[r->count].rinfo = *rinfo;
		memcpy(r->msg[r->count].data, buf,
		       len < sizeof(r->msg[0].data) ? len
						    : sizeof(r->msg[0].data));
	}
	r->count++;
}

static void rec_error(struct dpg_socket *sock, int err, void *user)
{
	struct rec *r = user;

	(void)sock;
	r->errors++;
	r->last_error = err;
}

/* An echo server: every datagram goes back to its sender. */
static void echo_data(struct dpg_socket *sock, const void *buf, size_t len,
		      const struct dpg_rinfo *rinfo, void *user)
{
	struct rec *r = user;
	int rc;

	rec_data(sock, buf, len, rinfo, user);
	rc = dpg_send(sock, buf, len, (const struct sockaddr *)&rinfo->from);
	if (rc != 0)
		r->errors++; /* seen by the test as an unexpected error */
}

struct dpg_socket *wire_socket_bound(struct dpg_stack *st, int family,
				     struct rec *r, bool echo,
				     const struct sockaddr_storage *bind)
{
	struct dpg_socket_opts o = { .family = family };
	struct dpg_socket *s = NULL;
	char text[DPG_ADDRSTRLEN] = "?";
	int rc;

	if (r != NULL) {
		o.on.data = echo ? echo_data : rec_data;
		o.on.error = rec_error;
		o.user = r;
	}
	rc = dpg_socket_open(st, &o, &s);
	if (rc != 0)
		fail_msg("dpg_socket_open: %d (%s)", rc, dpg_strerror(rc));
	if (bind != NULL) {
		rc = dpg_bind(s, SA(bind));
		if (rc != 0) {
			dpg_addr_format(SA(bind), text, sizeof(text));
			fail_msg("dpg_bind(%s): %d (%s)", text, rc,
				 dpg_strerror(rc));
		}
	}
	return s;
}

struct dpg_socket *wire_socket(struct dpg_stack *st, struct rec *r, bool echo,
			       const char *ip)
{
	struct sockaddr_storage ss;

	if (ip == NULL)
		return wire_socket_bound(st, AF_INET, r, echo, NULL);
	ss = wire_addr(ip, 0);
	return wire_socket_bound(st, ss.ss_family, r, echo, &ss);
}

void wire_send(struct dpg_socket *s, const void *buf, size_t len,
	       const struct sockaddr_storage *dst)
{
	int rc = dpg_send(s, buf, len, dst != NULL ? SA(dst) : NULL);

	if (rc != 0)
		fail_msg("dpg_send(%zu bytes): %d (%s)", len, rc,
			 dpg_strerror(rc));
}

void wire_send_seq(struct dpg_socket *s, const struct sockaddr_storage *dst,
		   uint32_t first, unsigned n)
{
	uint32_t i;

	for (i = first; i < first + n; i++)
		wire_send(s, &i, sizeof(i), dst);
}

void wire_deliver(struct wire *w, struct dpg_socket *s, const char *text,
		  const struct sockaddr_storage *dst, const struct rec *r,
		  unsigned n)
{
	wire_send(s, text, strlen(text), dst);
	if (!wire_wait_count(w, r, n))
		fail_msg("\"%s\" did not arrive: %u datagrams, expected %u",
			 text, r->count, n);
	wire_passes(w, WIRE_QUIET_PASSES);
}

void assert_seq6(const struct rec *r, uint32_t first, unsigned n,
		 const char *ip, uint16_t port, uint32_t scope)
{
	unsigned i;

	assert_int_equal(r->count, n);
	for (i = 0; i < n; i++) {
		uint32_t v;

		assert_int_equal(r->msg[i].len, sizeof(v));
		memcpy(&v, r->msg[i].data, sizeof(v));
		assert_int_equal(v, first + i);
		if (strchr(ip, ':') != NULL)
			assert_from6(&r->msg[i].rinfo.from, ip, port, scope);
		else
			assert_from(&r->msg[i].rinfo.from, ip, port);
	}
}

void assert_seq(const struct rec *r, uint32_t first, unsigned n,
		const char *ip, uint16_t port)
{
	assert_seq6(r, first, n, ip, port, 0);
}

struct count_arg {
	const struct rec *r;
	unsigned n;
};

static bool count_reached(void *p)
{
	const struct count_arg *a = p;

	return a->r->count >= a->n;
}

bool wire_wait_count(struct wire *w, const struct rec *r, unsigned n)
{
	struct count_arg a = { r, n };

	return wire_until(w, count_reached, &a);
}

struct drop_arg {
	struct dpg_stack *st;
	unsigned reason;
	uint64_t want;
};

static bool drop_reached(void *p)
{
	const struct drop_arg *a = p;

	return wire_stats(a->st).drops[a->reason] >= a->want;
}

bool wire_wait_drops(struct wire *w, struct dpg_stack *st, unsigned reason,
		     uint64_t want)
{
	struct drop_arg d = { st, reason, want };

	return wire_until(w, drop_reached, &d);
}
