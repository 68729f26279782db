/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Address parsing and formatting: numeric only, never DNS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dpgram.h>

int dpg_ip4_addr(const char *ip, uint16_t port, struct sockaddr_in *out)
{
	struct in_addr a = { .s_addr = htonl(INADDR_ANY) };

	if (out == NULL)
		return -EINVAL;
	if (ip != NULL && ip[0] != '\0' && inet_pton(AF_INET, ip, &a) != 1)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons(port);
	out->sin_addr = a;
	return 0;
}

/* "%eth0" or "%3" -> interface index; 0 if it names nothing. */
static unsigned scope_parse(const char *scope)
{
	char *end;
	unsigned long v;

	if (scope[0] == '\0')
		return 0;
	if (scope[0] >= '0' && scope[0] <= '9') {
		errno = 0;
		v = strtoul(scope, &end, 10);
		if (errno != 0 || *end != '\0' || v == 0 || v > UINT32_MAX)
			return 0;
		return (unsigned)v;
	}
	return if_nametoindex(scope);
}

int dpg_ip6_addr(const char *ip, uint16_t port, struct sockaddr_in6 *out)
{
	char host[INET6_ADDRSTRLEN];
	struct in6_addr a = IN6ADDR_ANY_INIT;
	const char *pct;
	unsigned scope = 0;
	size_t hlen;

	if (out == NULL)
		return -EINVAL;
	if (ip != NULL && ip[0] != '\0') {
		pct = strchr(ip, '%');
		hlen = pct != NULL ? (size_t)(pct - ip) : strlen(ip);
		if (hlen == 0 || hlen >= sizeof(host))
			return -EINVAL;
		memcpy(host, ip, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET6, host, &a) != 1)
			return -EINVAL;
		if (pct != NULL) {
			scope = scope_parse(pct + 1);
			if (scope == 0)
				return -EINVAL;
		}
	}
	memset(out, 0, sizeof(*out));
	out->sin6_family = AF_INET6;
	out->sin6_port = htons(port);
	out->sin6_addr = a;
	out->sin6_scope_id = scope;
	return 0;
}

static int format6(const struct sockaddr_in6 *sin6, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN], scope[IF_NAMESIZE + 1] = "";
	char ifname[IF_NAMESIZE];

	inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
	if (sin6->sin6_scope_id != 0) {
		if (if_indextoname(sin6->sin6_scope_id, ifname) != NULL)
			snprintf(scope, sizeof(scope), "%%%s", ifname);
		else
			snprintf(scope, sizeof(scope), "%%%u",
				 (unsigned)sin6->sin6_scope_id);
	}
	return snprintf(buf, len, "[%s%s]:%u", host, scope,
			ntohs(sin6->sin6_port));
}

int dpg_addr_format(const struct sockaddr *addr, char *buf, size_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	char host[INET_ADDRSTRLEN];
	int n;

	if (addr == NULL || buf == NULL)
		return -EINVAL;
	if (addr->sa_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		n = snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (addr->sa_family == AF_INET6) {
		n = format6((const struct sockaddr_in6 *)addr, buf, len);
	} else {
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}
