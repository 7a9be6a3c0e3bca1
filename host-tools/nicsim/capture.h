/* SPDX-License-Identifier: BSD-2-Clause */
/* Per-port packet capture (pcap files), on request (--capture DIR). */
#ifndef RG_NICSIM_CAPTURE_H
#define RG_NICSIM_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;

/* DIR/PORT.pcap; NULL with err on failure. */
struct capture *capture_open(const char *dir, const char *port, char *err, size_t err_len);
void capture_frame(struct capture *c, const uint8_t *frame, uint32_t len);
void capture_flush(struct capture *c);
void capture_close(struct capture *c);

#endif /* RG_NICSIM_CAPTURE_H */
