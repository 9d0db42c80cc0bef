// SPDX-License-Identifier: GPL-2.0-or-later
/* peer.h: peer credentials, pointer redaction, capabilities. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"
#include "shared/macro.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

/* /proc/PID/status "Groups:" and "CapEff:": the fallback before Linux 4.13 */
static void proc_status(pid_t pid, gid_t group, bool *in_group, uint64_t *capeff)
{
	char p[64], line[4096];
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	f = fopen(p, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (in_group && strncmp(line, "Groups:", 7) == 0) {
			char *s = line + 7, *end;

			for (;;) {
				unsigned long g = strtoul(s, &end, 10);

				if (end == s)
					break;
				if ((gid_t)g == group)
					*in_group = true;
				s = end;
			}
		} else if (capeff && strncmp(line, "CapEff:", 7) == 0) {
			*capeff = strtoull(line + 7, NULL, 16);
		}
	}
	fclose(f);
}

int peer_identify(int fd, gid_t group, struct peer *p)
{
	socklen_t len = sizeof(p->cred);
	uint64_t capeff = 0;

	*p = (struct peer){ 0 };
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &p->cred, &len) < 0)
		return -errno;
	if (group != (gid_t)-1) {
		gid_t groups[64], *g = groups;

		len = sizeof(groups);
		if (p->cred.gid == group)
			p->in_group = true;
		else if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0 ||
			 (errno == ERANGE && (g = malloc(len)) &&
			  getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0)) {
			for (size_t i = 0; i < len / sizeof(gid_t); i++)
				if (g[i] == group)
					p->in_group = true;
		} else if (errno == ENOPROTOOPT) {
			proc_status(p->cred.pid, group, &p->in_group, NULL);
		}
		if (g != groups)
			free(g);
	}
	if (p->cred.uid == 0) {
		p->privileged = true;
	} else {
		proc_status(p->cred.pid, (gid_t)-1, NULL, &capeff);
		p->privileged = capeff & (UINT64_C(1) << CAP_SYSLOG);
	}
	return 0;
}

/* ---- SipHash-2-4 (Aumasson, Bernstein) of one 64-bit word ---- */

static uint64_t sip_key[2];

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                   \
	do {                                                                       \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);          \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                             \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                             \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);          \
	} while (0)

static uint64_t siphash_u64(uint64_t m)
{
	uint64_t v0 = sip_key[0] ^ UINT64_C(0x736f6d6570736575), v1 = sip_key[1] ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = sip_key[0] ^ UINT64_C(0x6c7967656e657261), v3 = sip_key[1] ^ UINT64_C(0x7465646279746573);
	uint64_t b = UINT64_C(8) << 56;

	v3 ^= m;
	SIPROUND;
	SIPROUND;
	v0 ^= m;
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void redact_init(void)
{
	if (getrandom(sip_key, sizeof(sip_key), 0) != sizeof(sip_key)) {
		/* no entropy pool yet: a key nobody outside this process knows will do */
		sip_key[0] ^= (uint64_t)getpid() * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)(uintptr_t)&sip_key;
		sip_key[1] ^= (uint64_t)time(NULL);
	}
}

void redact_hex(char *hex, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t v = 0, h;

	for (size_t i = 0; i < len; i++)
		v = v << 4 | (uint64_t)(isdigit((unsigned char)hex[i]) ? hex[i] - '0' : (tolower((unsigned char)hex[i]) - 'a' + 10));
	/* keyed by the width too: "0x10" and "0x0010" are other strings */
	h = siphash_u64(v ^ ((uint64_t)len << 58));
	for (size_t i = len; i-- > 0; h >>= 4)
		hex[i] = digits[h & 15];
}

/*
 * Where the report puts kernel pointers: the ids of resources and groups
 * (a whole hex string), and the texts of findings, which quote them. A
 * text's hex run is a pointer when it has 16 digits (a 64-bit %p or %px) or
 * a 0x before 8 or more: device names such as fe200000.serial or
 * 0000:00:02.0 stay as they are.
 */
static const char *const id_keys[] = { "id", "parent", "opened_inside", "in_group", "group", "address" };
static const char *const text_keys[] = { "summary", "explanation", "fix" };

static bool key_in(const char *key, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, set[i]) == 0)
			return true;
	return false;
}

static struct json_object *redact_string(const char *s, bool text)
{
	char *copy = strdup(s);
	struct json_object *o;
	size_t n;

	if (!copy)
		return NULL;
	for (char *p = copy; *p; p += n) {
		bool prefixed = p >= copy + 2 && p[-2] == '0' && p[-1] == 'x';

		n = strspn(p, "0123456789abcdefABCDEF");
		if (n >= 8 && (p == copy || prefixed || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]) &&
		    (!text || n >= 16 || prefixed))
			redact_hex(p, n);
		if (!n)
			n = 1;
	}
	o = json_object_new_string(copy);
	free(copy);
	return o;
}

static void redact_value(struct json_object *parent, const char *key, size_t idx, struct json_object *v, int kind)
{
	struct json_object *r;

	if (json_object_is_type(v, json_type_string)) {
		if (!kind)
			return;
		r = redact_string(json_object_get_string(v), kind == 2);
		if (!r)
			return;
		if (key)
			json_object_object_add(parent, key, r);
		else
			json_object_array_put_idx(parent, idx, r);
	} else if (json_object_is_type(v, json_type_array)) {
		/* a list of ids ("group"), or objects */
		for (size_t i = 0; i < json_object_array_length(v); i++)
			redact_value(v, NULL, i, json_object_array_get_idx(v, i), kind);
	} else if (json_object_is_type(v, json_type_object)) {
		redact_json(v);
	}
}

void redact_json(struct json_object *o)
{
	if (json_object_is_type(o, json_type_array)) {
		redact_value(NULL, NULL, 0, o, 0);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, v) {
		int kind = key_in(key, id_keys, ARRAY_SIZE(id_keys))	     ? 1
			   : key_in(key, text_keys, ARRAY_SIZE(text_keys)) ? 2
									   : 0;

		redact_value(o, key, 0, v, kind);
	}
}

/* ---- capabilities ---- */

int caps_drop(void)
{
	const uint64_t keep = UINT64_C(1) << CAP_SYSLOG | UINT64_C(1) << CAP_SYS_PTRACE |
			      UINT64_C(1) << CAP_DAC_READ_SEARCH;
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	/* the bounding set first: dropping from it needs CAP_SETPCAP, which goes next */
	for (unsigned long c = 0; prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		if (!(keep & (UINT64_C(1) << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EPERM)
			return -errno;
	for (unsigned i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)(keep >> (32 * i));

		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	/* and no way back through a setuid program */
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
}
