/* SPDX-License-Identifier: BSD-2-Clause */
#include "lease_filter.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "realmgate/mailbox.h"

/* ADDR or ADDR:PORT; the port's bit is set only when one is given. */
static int parse_endpoint(const char *s, uint32_t *addr, uint16_t *port, unsigned port_bit,
			  unsigned *what)
{
	bool has_port;
	if (rgd_parse_endpoint(s, addr, port, &has_port))
		return -1;
	if (has_port)
		*what |= port_bit;
	return 0;
}

static int parse_owner(const char *s, uint8_t *owner)
{
	for (unsigned o = RG_OWNER_DYNAMIC; o <= RG_OWNER_CLI; o++)
		if (strcmp(s, rgd_owner_name((uint8_t)o)) == 0) {
			*owner = (uint8_t)o;
			return 0;
		}
	return -1;
}

int rgd_lease_filter_parse(int argc, char **argv, struct rgd_lease_filter *f, char *err,
			   size_t errlen)
{
	static const struct {
		const char *name;
		unsigned bit;
	} opts[] = {
		{ "--proto", RGD_LF_PROTO },
		{ "--owner", RGD_LF_OWNER },
		{ "--inside", RGD_LF_IN_ADDR },
		{ "--outside", RGD_LF_OUT_ADDR },
	};
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < argc; i += 2) {
		unsigned bit = 0;
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (strcmp(argv[i], opts[k].name) == 0)
				bit = opts[k].bit;
		if (!bit) {
			snprintf(err, errlen,
				 "unknown option '%s' (--proto, --owner, --inside, --outside)",
				 argv[i]);
			return -1;
		}
		if (f->what & bit) {
			snprintf(err, errlen, "%s given twice", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			snprintf(err, errlen, "%s wants a value", argv[i]);
			return -1;
		}
		const char *v = argv[i + 1];
		f->what |= bit;
		int bad;
		switch (bit) {
		case RGD_LF_PROTO: {
			int proto = rgd_lease_proto_parse(v);
			bad = proto < 0;
			f->proto = (uint8_t)proto;
			break;
		}
		case RGD_LF_OWNER:
			bad = parse_owner(v, &f->owner);
			break;
		case RGD_LF_IN_ADDR:
			bad = parse_endpoint(v, &f->in_addr, &f->in_port, RGD_LF_IN_PORT, &f->what);
			break;
		default:
			bad = parse_endpoint(v, &f->out_addr, &f->out_port, RGD_LF_OUT_PORT,
					     &f->what);
			break;
		}
		if (bad) {
			snprintf(err, errlen, "%s: bad value '%s'", argv[i], v);
			return -1;
		}
	}
	return 0;
}

bool rgd_lease_filter_match(const struct rgd_lease_filter *f, const struct rgd_lease *l)
{
	unsigned w = f->what;
	return (!(w & RGD_LF_PROTO) || l->key.proto == f->proto) &&
	       (!(w & RGD_LF_OWNER) || l->owner == f->owner) &&
	       (!(w & RGD_LF_IN_ADDR) || l->key.in_addr == f->in_addr) &&
	       (!(w & RGD_LF_IN_PORT) || l->key.in_port == f->in_port) &&
	       (!(w & RGD_LF_OUT_ADDR) || l->out_addr == f->out_addr) &&
	       (!(w & RGD_LF_OUT_PORT) || l->out_port == f->out_port);
}
