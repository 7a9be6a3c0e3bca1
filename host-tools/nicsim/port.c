/* SPDX-License-Identifier: BSD-2-Clause */
/* Port specs and the transmit checksum completion shared by the backends. */
#include <stdio.h>
#include <string.h>

#include "../../firmware/lib/bytes.h"
#include "../../firmware/lib/csum.h"
#include "../lib/parse_num.h"
#include "port.h"

struct port *port_packet_open(const char *name, const char *ifname, char *err, size_t err_len);
struct port *port_pcap_open(const char *name, const char *in, const char *out, unsigned gap_ms,
			    unsigned start_ms, char *err, size_t err_len);

struct port *port_open(const char *name, const char *spec, char *err, size_t err_len)
{
	static const uint8_t base_mac[6] = { 0x02, 0x52, 0x47, 0x00, 0x00, 0x00 };
	if (!strncmp(spec, "pcap:", 5)) {
		char in[256] = "", out[256] = "";
		unsigned gap = 0, start = 0;
		const char *s = spec + 5, *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		if (n >= sizeof(in) || (comma && strlen(comma + 1) >= sizeof(out))) {
			snprintf(err, err_len, "port %s: file name too long", name);
			return NULL;
		}
		memcpy(in, s, n);
		if (comma) {
			snprintf(out, sizeof(out), "%s", comma + 1);
			/* options after the output file: ,gap=MS ,start=MS */
			char *opt = strchr(out, ',');
			if (opt) {
				*opt++ = 0;
				char *save = NULL;
				for (char *o = strtok_r(opt, ",", &save); o;
				     o = strtok_r(NULL, ",", &save)) {
					unsigned long v;
					int is_gap = !strncmp(o, "gap=", 4);
					int is_start = !strncmp(o, "start=", 6);
					if ((!is_gap && !is_start) ||
					    rg_parse_uint(o + (is_gap ? 4 : 6), 0, 86400000, &v)) {
						snprintf(err, err_len,
							 "port %s: bad pcap option '%s' (gap=MS, "
							 "start=MS: milliseconds 0..86400000)",
							 name, o);
						return NULL;
					}
					if (is_gap)
						gap = (unsigned)v;
					else
						start = (unsigned)v;
				}
			}
		}
		struct port *p = port_pcap_open(name, in, out, gap, start, err, err_len);
		if (p) {
			memcpy(p->mac, base_mac, 6);
			p->mac[5] = (uint8_t)(0x10 + (!strcmp(name, "outside") ? 1 : 0));
		}
		return p;
	}
	if (!*spec || strlen(spec) >= 16) {
		snprintf(err, err_len, "port %s: '%s' is not an interface name", name, spec);
		return NULL;
	}
	return port_packet_open(name, spec, err, err_len);
}

int port_complete_csum(uint8_t *f, uint32_t len)
{
	uint32_t l3 = 14;
	if (len < 14)
		return -1;
	uint16_t et = rg_get_be16(f + 12);
	if (et == 0x8100) {
		if (len < 18)
			return -1;
		et = rg_get_be16(f + 16);
		l3 = 18;
	}
	if (et != 0x0800 || len < l3 + 20 || (f[l3] >> 4) != 4)
		return -1;
	uint32_t ihl = (f[l3] & 0xfu) * 4u, tot = rg_get_be16(f + l3 + 2);
	if (ihl < 20 || tot < ihl || l3 + tot > len)
		return -1;
	uint8_t proto = f[l3 + 9];
	uint32_t l4 = l3 + ihl, l4len = tot - ihl, off;
	if (proto == 6 && l4len >= 20)
		off = 16;
	else if (proto == 17 && l4len >= 8)
		off = 6;
	else
		return -1;
	/* the field holds the pseudo-header sum: summing the whole segment
	 * with it gives the full sum */
	uint16_t sum = rg_csum_fold(rg_csum_partial(f + l4, l4len));
	uint16_t c = (uint16_t)~sum;
	if (proto == 17 && c == 0)
		c = 0xffff;
	rg_put_be16(f + l4 + off, c);
	return 0;
}
