/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wire numbers the fast path and the slow path both parse: ethertypes, IP
 * protocol numbers, TCP flag bits (IEEE / IANA values, not contract values;
 * the firmware has no libc headers to take them from).
 */
#ifndef RG_FW_PROTO_H
#define RG_FW_PROTO_H

#define ETH_P_IPV4 0x0800u
#define ETH_P_ARP 0x0806u
#define ETH_P_IPV6 0x86ddu
#define ETH_P_8021Q 0x8100u
#define ETH_P_8021AD 0x88a8u   /* service tag (QinQ) */
#define ETH_P_QINQ_OLD 0x9100u /* pre-standard QinQ */

#define IPPROTO_ICMP 1u
#define IPPROTO_IPIP 4u
#define IPPROTO_TCP 6u
#define IPPROTO_UDP 17u
#define IPPROTO_ESP 50u
#define IPPROTO_AH 51u

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_ACK 0x10u

#endif /* RG_FW_PROTO_H */
