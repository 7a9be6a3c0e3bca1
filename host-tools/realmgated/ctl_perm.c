/* SPDX-License-Identifier: BSD-2-Clause */
/* Control socket permissions; see ctl_perm.h. */
#include "ctl_perm.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59 /* Linux 4.13; older headers lack the name */
#endif

#define MAX_PEER_GROUPS 1024

int rgd_ctl_perm_apply(const char *path, const char *group, char *err, size_t errlen)
{
	if (group[0]) {
		struct group *g = getgrnam(group);
		if (!g) {
			snprintf(err, errlen, "control_group '%s': no such group", group);
			return -1;
		}
		/* the owner stays the daemon's user (root when installed) */
		if (chown(path, (uid_t)-1, g->gr_gid)) {
			snprintf(err, errlen, "control socket %s: group %s: %s", path, group,
				 strerror(errno));
			return -1;
		}
	}
	if (chmod(path, group[0] ? 0660 : 0600)) {
		snprintf(err, errlen, "control socket %s: chmod: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The peer's supplementary groups as the kernel recorded them at connect
 * (SO_PEERGROUPS); from /proc/PID/status on kernels without it. Returns
 * the count, -1 when neither is available. */
static int peer_groups(int fd, pid_t pid, gid_t *out, size_t max)
{
	socklen_t len = (socklen_t)(max * sizeof(gid_t));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, out, &len) == 0)
		return (int)(len / sizeof(gid_t));
	char path[64], line[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int n = -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Groups:", 7))
			continue;
		n = 0;
		char *p = line + 7, *end;
		for (unsigned long v; (size_t)n < max && (v = strtoul(p, &end, 10), end != p);
		     p = end)
			out[n++] = (gid_t)v;
		break;
	}
	fclose(f);
	return n;
}

bool rgd_ctl_peer_allowed(int fd, const char *group)
{
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl))
		return false;
	if (cr.uid == 0 || cr.uid == getuid())
		return true;
	if (!group[0])
		return false;
	struct group *g = getgrnam(group);
	if (!g)
		return false;
	if (cr.gid == g->gr_gid)
		return true;
	static gid_t groups[MAX_PEER_GROUPS];
	int n = peer_groups(fd, cr.pid, groups, MAX_PEER_GROUPS);
	for (int i = 0; i < n; i++)
		if (groups[i] == g->gr_gid)
			return true;
	return false;
}
