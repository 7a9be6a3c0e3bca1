/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl: static rules (RG_OP_RULE_ADD / RULE_DEL / RULE_LIST). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "parse.h"
#include "rule_parse.h"

static int rule_usage(void)
{
	fprintf(stderr,
		"usage: realmctl rule list\n"
		"       realmctl rule add ID forward|dstnat|exclude|to-host|drop [proto P]\n"
		"                [src PREFIX/LEN] [dst PREFIX/LEN] [dport LO[-HI]] [to "
		"ADDR[:PORT]]\n"
		"       realmctl rule del ID\n");
	return CTL_USAGE;
}

static int rule_list(struct ctl *c)
{
	struct rg_rule rules[128];
	struct json j;
	uint32_t cursor = 0, total = 0;
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_arr_begin(&j, "rules");
	} else
		printf("%-10s %-8s %-5s %-18s %-18s %-11s %s\n", "id", "kind", "proto", "src",
		       "dst", "dports", "to");
	for (unsigned guard = 0; guard < 10000; guard++) {
		struct rg_page_req req = { .cursor = cursor };
		struct rg_page_rsp rsp = { 0 };
		uint32_t used = 0;
		if (ctl_cmd(c, "rule list", RG_OP_RULE_LIST, &req, sizeof(req), &rsp, sizeof(rsp),
			    rules, sizeof(rules), &used))
			return CTL_FAIL;
		if (rsp.count * sizeof(rules[0]) > used)
			return CTL_FAIL;
		for (uint32_t i = 0; i < rsp.count; i++) {
			const struct rg_rule *r = &rules[i];
			char a[3][INET_ADDRSTRLEN_], src[24], dst[24], to[32], ports[16], pb[8];
			const char *kind = rule_kind_name(r->kind) ? rule_kind_name(r->kind) : "?";
			snprintf(src, sizeof(src), "%s/%u", ipv4_str(r->src_addr, a[0]),
				 r->src_plen);
			snprintf(dst, sizeof(dst), "%s/%u", ipv4_str(r->dst_addr, a[1]),
				 r->dst_plen);
			ipv4_str(r->to_addr, a[2]);
			/* the text's target: where the packets go, if anywhere */
			if (r->kind == RG_RULE_TO_HOST)
				snprintf(to, sizeof(to), "host");
			else if (r->kind != RG_RULE_FORWARD && r->kind != RG_RULE_DSTNAT)
				snprintf(to, sizeof(to), "-");
			else if (r->to_port)
				snprintf(to, sizeof(to), "%s:%u", a[2], ntohs(r->to_port));
			else
				snprintf(to, sizeof(to), "%s", a[2]); /* the port kept */
			unsigned lo = ntohs(r->dport_lo), hi = ntohs(r->dport_hi);
			if (!hi)
				snprintf(ports, sizeof(ports), "any");
			else if (lo == hi)
				snprintf(ports, sizeof(ports), "%u", lo);
			else
				snprintf(ports, sizeof(ports), "%u-%u", lo, hi);
			const char *proto = r->proto ? proto_name(r->proto, pb, sizeof(pb)) : "any";
			if (c->json) {
				json_obj_begin(&j, NULL);
				json_u64(&j, "id", r->id);
				json_str(&j, "kind", kind);
				json_str(&j, "proto", proto);
				json_str(&j, "src", src);
				json_str(&j, "dst", dst);
				json_u64(&j, "dport_lo", ntohs(r->dport_lo));
				json_u64(&j, "dport_hi", ntohs(r->dport_hi));
				json_str(&j, "to", a[2]);
				json_u64(&j, "to_port", ntohs(r->to_port));
				json_obj_end(&j);
			} else
				printf("%-10u %-8s %-5s %-18s %-18s %-11s %s\n", r->id, kind, proto,
				       src, dst, ports, to);
		}
		total += rsp.count;
		if (!rsp.next || rsp.next == cursor)
			break;
		cursor = rsp.next;
	}
	if (c->json) {
		json_list_end(&j, total);
	} else
		printf("%u rule(s)\n", total);
	return CTL_OK;
}

int cmd_rule(struct ctl *c, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "list"))
		return ctl_connect(c) ? CTL_FAIL : rule_list(c);
	if (argc >= 4 && !strcmp(argv[1], "add")) {
		struct rg_rule r;
		const char *why, *bad;
		if (rule_parse(&r, argv + 2, argc - 2, &why, &bad)) {
			fprintf(stderr, "realmctl: rule add: %s%s%s%s\n", why, bad ? " '" : "",
				bad ? bad : "", bad ? "'" : "");
			return rule_usage();
		}
		if (ctl_connect(c) ||
		    ctl_cmd(c, "rule add", RG_OP_RULE_ADD, &r, sizeof(r), NULL, 0, NULL, 0, NULL))
			return CTL_FAIL;
		if (!c->json)
			printf("rule %u added\n", r.id);
		return CTL_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "del")) {
		unsigned long id;
		if (rg_parse_uint(argv[2], 0, UINT32_MAX, &id))
			return rule_usage();
		uint32_t id32 = (uint32_t)id;
		if (ctl_connect(c) || ctl_cmd(c, "rule del", RG_OP_RULE_DEL, &id32, sizeof(id32),
					      NULL, 0, NULL, 0, NULL))
			return CTL_FAIL;
		if (!c->json)
			printf("rule %u deleted\n", id32);
		return CTL_OK;
	}
	return rule_usage();
}
