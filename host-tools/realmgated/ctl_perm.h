/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Who may use the control socket: root, the daemon's own user, and members
 * of control_group, whether it is their primary or a supplementary group
 * (docs/protocols.md, "Control socket"). The file mode is the first gate
 * (0600 root-only, 0660 with the group); the peer's credentials are the
 * second, checked on every connection.
 */
#ifndef RGD_CTL_PERM_H
#define RGD_CTL_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Give the socket at path its owner and mode for group ("" = root only).
 * 0, or -1 with the reason in err. */
int rgd_ctl_perm_apply(const char *path, const char *group, char *err, size_t errlen);

/* Is the peer of the connected UNIX socket fd allowed in? */
bool rgd_ctl_peer_allowed(int fd, const char *group);

#endif /* RGD_CTL_PERM_H */
