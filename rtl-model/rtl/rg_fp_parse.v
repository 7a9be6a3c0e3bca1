// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_parse — steps 1 to 8 of "Fast path semantics" (docs/design.md):
// Ethernet / 802.1Q, the IPv4 header (options, length, checksum,
// fragments), IP-in-IP, the L4 header of TCP/UDP/ICMP/ESP/AH, the L4
// checksum (window part + the receive MAC's tail sum + pseudo-header), the
// packets the fast path leaves to the firmware, and the flow key.
//
// Every check of the normative text is computed in parallel on its own
// stage and the first one that fires, in the text's order, decides the
// packet (a parallel priority encoder is equivalent to the C model's
// sequence of early returns because a check is only looked at when all
// earlier checks passed, i.e. when the bytes it reads are inside the
// window).
//
// Stages (the window arrives again on w_b/w_c from the top's backbone):
//   A  Ethernet checks, L3 offset, outer header fields, outer header sum
//   B  outer header checks, inner (IP-in-IP) header fields and sum
//   C  inner header checks, translated header, L4 header bytes, L4 sum
//   D  L4 checks, L4 checksum, ICMP/TCP classification, key
//   E  the first check that fired (priority encoder): the decision
// Interfaces: stage A inputs in cycle k, w_b in k+1, w_c in k+2, the
// stage D inputs (force, tail_sum) in k+3; all outputs registered, valid in
// cycle k+5.
// Latency: 5 clocks.
`default_nettype none
`include "rg_contract.vh"

module rg_fp_parse (
    input wire clk,
    // stage A
    // stage A reads the Ethernet header and the outer IPv4 header (bytes
    // 0..77); the rest of the window is read at stages B and C
    /* verilator lint_off UNUSEDSIGNAL */
    input wire [8*`RG_FP_WIN_IN-1:0] w_a, // header window (bytes >= win are 0)
    /* verilator lint_on UNUSEDSIGNAL */
    input wire [15:0] len_a,             // frame_len
    input wire [1:0] port_a,             // ingress port
    input wire [48*`RG_PORT_COUNT-1:0] port_mac, // byte b of port p's MAC at 48p+8b
    input wire [`RG_PORT_COUNT-1:0] port_promisc,
    input wire [12*`RG_PORT_COUNT-1:0] port_vid, // 0 = untagged port
    // stages B, C: the same window one and two clocks later
    input wire [8*`RG_FP_WIN_IN-1:0] w_b,
    input wire [8*`RG_FP_WIN_IN-1:0] w_c,
    // stage D
    input wire force_d,       // RG_FPIN_FORCE
    input wire [15:0] tail_d, // tail_sum
    // results
    output reg decided,       // verdict/reason final (no lookup)
    output reg [1:0] verdict, // enum rg_verdict
    output reg [4:0] reason,  // punt or drop reason
    output reg [8*`RG_FLOW_KEY_BYTES-1:0] key,
    output reg tunnel,        // key taken from the inner header of IP-in-IP
    output reg [6:0] l3,      // offset of the translated IPv4 header
    output reg [5:0] ihl,     // its header length in bytes
    output reg [7:0] proto,   // its protocol
    output reg [15:0] ip_len, // its total length
    output reg [7:0] ttl,     // its TTL
    output reg icmp_request,  // ICMP query request (else reply)
    output reg [31:0] outer_src, // source address of the outermost header
    output reg [159:0] l4h,   // first 20 bytes of the L4 header
    output reg [159:0] th,    // first 20 bytes of the translated IPv4 header
    output reg [7:0] win      // bytes of the window present
);
    // protocol numbers and ethertypes (IANA/IEEE, not contract values)
    localparam [15:0] ETH_P_IPV4 = 16'h0800;
    localparam [15:0] ETH_P_8021Q = 16'h8100;
    localparam [7:0] P_ICMP = 8'd1;
    localparam [7:0] P_IPIP = 8'd4;
    localparam [7:0] P_TCP = 8'd6;
    localparam [7:0] P_UDP = 8'd17;
    localparam [7:0] P_ESP = 8'd50;
    localparam [7:0] P_AH = 8'd51;
    localparam [7:0] TCP_CTRL_FLAGS = 8'h07;  // FIN | SYN | RST
    localparam [1:0] V_PUNT = `RG_VERDICT_PUNT;
    localparam [1:0] V_DROP = `RG_VERDICT_DROP;
    localparam integer WB = `RG_FP_WIN_IN;   // window bytes
    localparam [15:0] WB16 = 16'd`RG_FP_WIN_IN;
    localparam [16:0] WB17 = 17'd`RG_FP_WIN_IN;

    function automatic [15:0] be16(input [159:0] h, input integer o);
        be16 = {h[8*o+:8], h[8*(o+1)+:8]};
    endfunction
    // end-around fold of a plain sum, twice (rg_csum_fold)
    function automatic [15:0] fold(input [23:0] s);
        reg [16:0] t;
        begin
            t = {9'b0, s[23:16]} + {1'b0, s[15:0]};
            fold = t[15:0] + {15'b0, t[16]};
        end
    endfunction

    // ================= stage A: Ethernet, outer header =================
    wire [7:0] a_win = (len_a < WB16) ? len_a[7:0] : WB16[7:0];
    wire a_group = w_a[0];
    wire [47:0] a_mymac = port_mac[48*port_a+:48];
    wire [15:0] a_etype = {w_a[8*12+:8], w_a[8*13+:8]};
    wire a_vlan = a_etype == ETH_P_8021Q;
    wire [15:0] a_etype2 = a_vlan ? {w_a[8*16+:8], w_a[8*17+:8]} : a_etype;
    wire [6:0] a_l3 = a_vlan ? 7'd18 : 7'd14;
    // the VID of the frame (0 untagged or priority-tagged) against the port's
    wire [11:0] a_vid = a_vlan ? {w_a[8*14+:4], w_a[8*15+:8]} : 12'd0;
    // the outer header, 60 bytes from L3 (IHL up to 15 words)
    wire [479:0] a_oh = a_vlan ? w_a[8*18+:480] : w_a[8*14+:480];
    wire [5:0] a_ihl = {a_oh[3:0], 2'b00};
    // header sum: words below IHL
    wire [30*16-1:0] a_owords;
    genvar gi;
    generate
        for (gi = 0; gi < 30; gi = gi + 1) begin : g_ow
            assign a_owords[16*gi+:16] = (2 * gi < a_ihl) ? {a_oh[16*gi+:8], a_oh[16*gi+8+:8]} : 16'd0;
        end
    endgenerate
    wire [23:0] a_osum;
    rg_add_tree #(
        .N (30),
        .W (16),
        .OW(24)
    ) u_osum (
        .in (a_owords),
        .sum(a_osum)
    );

    reg [15:0] b_len;
    reg [1:0] b_port;
    reg [7:0] b_win;
    reg b_runt0, b_notmine, b_runtvlan, b_wrongvlan, b_notipv4, b_bcast;
    reg [6:0] b_l3;
    reg [159:0] b_oh;
    reg [5:0] b_oihl;
    reg [15:0] b_osum;
    always @(posedge clk) begin
        b_len <= len_a;
        b_port <= port_a;
        b_win <= a_win;
        b_runt0 <= len_a < 16'd14;
        b_notmine <= !a_group && !port_promisc[port_a] && w_a[47:0] != a_mymac;
        b_runtvlan <= a_vlan && len_a < 16'd18;
        b_wrongvlan <= a_vid != port_vid[12*port_a+:12];
        b_notipv4 <= a_etype2 != ETH_P_IPV4;
        b_bcast <= a_group;
        b_l3 <= a_l3;
        b_oh <= a_oh[159:0];
        b_oihl <= a_ihl;
        b_osum <= fold(a_osum);
    end

    // ================= stage B: outer checks, inner header =================
    wire [3:0] b_over = b_oh[7:4];
    wire [15:0] b_otot = be16(b_oh, 2);
    wire [16:0] b_oend = {10'b0, b_l3} + {1'b0, b_otot};
    wire [7:0] b_inner = {1'b0, b_l3} + {2'b0, b_oihl};  // inner header offset
    // (only the 60 bytes of a header are used of the shifted window)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [8*WB-1:0] b_ish = w_b >> {b_inner, 3'b000};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [479:0] b_ih = b_ish[479:0];
    wire [5:0] b_iihl = {b_ih[3:0], 2'b00};
    wire [30*16-1:0] b_iwords;
    generate
        for (gi = 0; gi < 30; gi = gi + 1) begin : g_iw
            assign b_iwords[16*gi+:16] = (2 * gi < b_iihl) ? {b_ih[16*gi+:8], b_ih[16*gi+8+:8]} : 16'd0;
        end
    endgenerate
    wire [23:0] b_isum;
    rg_add_tree #(
        .N (30),
        .W (16),
        .OW(24)
    ) u_isum (
        .in (b_iwords),
        .sum(b_isum)
    );
    wire [15:0] b_itot = be16(b_ih[159:0], 2);

    reg [15:0] c_len;
    reg [1:0] c_port;
    reg [7:0] c_win;
    reg [5:0] c_e;   // Ethernet checks in order
    reg c_tunnel;
    reg [6:0] c_ol3;
    reg [5:0] c_oihl;
    reg [159:0] c_oh;
    reg [16:0] c_oend;
    reg [7:0] c_inner;
    reg [159:0] c_ih;
    reg [5:0] c_iihl;
    reg [15:0] c_isum;
    reg [16:0] c_iend;
    // outer checks a..k (design.md step 2-3), each one bit
    reg c_oa, c_ob, c_oc, c_od, c_oe, c_of, c_og, c_oh_, c_oi, c_oj, c_ok;
    always @(posedge clk) begin
        c_len <= b_len;
        c_port <= b_port;
        c_win <= b_win;
        c_e <= {b_bcast, b_notipv4, b_wrongvlan, b_runtvlan, b_notmine, b_runt0};
        c_oa <= {10'b0, b_l3} + 17'd20 > {1'b0, b_len};
        c_ob <= {1'b0, b_l3} + 8'd20 > b_win;
        c_oc <= b_over != 4'd4;
        c_od <= b_oihl < 6'd20;
        c_oe <= {10'b0, b_l3} + {11'b0, b_oihl} > {1'b0, b_len};
        c_of <= {1'b0, b_l3} + {2'b0, b_oihl} > b_win;
        c_og <= b_otot < {10'b0, b_oihl};
        c_oh_ <= b_oend > {1'b0, b_len};
        c_oi <= b_osum != 16'hffff;
        c_oj <= (be16(b_oh, 6) & 16'h3fff) != 16'd0;
        c_ok <= b_oihl > 6'd20;
        c_tunnel <= b_oh[8*9+:8] == P_IPIP;
        c_ol3 <= b_l3;
        c_oihl <= b_oihl;
        c_oh <= b_oh;
        c_oend <= b_oend;
        c_inner <= b_inner;
        c_ih <= b_ih[159:0];
        c_iihl <= b_iihl;
        c_isum <= fold(b_isum);
        c_iend <= {9'b0, b_inner} + {1'b0, b_itot};
    end

    // ================= stage C: inner checks, translated header, L4 =================
    wire [15:0] c_itot = be16(c_ih, 2);
    wire c_ia = {9'b0, c_inner} + 17'd20 > c_oend;
    wire c_ib = {1'b0, c_inner} + 9'd20 > {1'b0, c_win};
    wire c_ic = c_ih[7:4] != 4'd4;
    wire c_id = c_iihl < 6'd20;
    wire c_ie = {9'b0, c_inner} + {11'b0, c_iihl} > c_oend;
    wire c_if = {1'b0, c_inner} + {3'b0, c_iihl} > {1'b0, c_win};
    wire c_ig = c_itot < {10'b0, c_iihl};
    wire c_ih_ = c_iend > c_oend;
    wire c_ii = c_isum != 16'hffff;
    wire c_ij = (be16(c_ih, 6) & 16'h3fff) != 16'd0;
    wire c_ik = c_iihl > 6'd20;
    wire c_iproto4 = c_ih[8*9+:8] == P_IPIP;

    wire [159:0] c_th = c_tunnel ? c_ih : c_oh;  // translated header
    wire [7:0] c_l3t = c_tunnel ? c_inner : {1'b0, c_ol3};
    wire [5:0] c_ihlt = c_tunnel ? c_iihl : c_oihl;
    wire [16:0] c_end = c_tunnel ? c_iend : c_oend;
    wire [8:0] c_l4 = {1'b0, c_l3t} + {3'b0, c_ihlt};
    // L4 header bytes (zero beyond the window)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [8*WB+159:0] c_wx = {160'b0, w_c} >> {c_l4, 3'b000};  // only 20 bytes used
    /* verilator lint_on UNUSEDSIGNAL */
    wire [159:0] c_l4h = c_wx[159:0];
    // L4 sum: words of [l4, min(end, WB)), odd last byte zero-padded
    wire [8:0] c_sumend = (c_end > WB17) ? WB17[8:0] : c_end[8:0];
    wire [64*16-1:0] c_lwords;
    generate
        for (gi = 0; gi < 64; gi = gi + 1) begin : g_lw
            wire in_lo = (2 * gi >= c_l4) && (2 * gi < c_sumend);
            wire in_hi = (2 * gi + 1 < c_sumend);
            assign c_lwords[16*gi+:16] = in_lo ? {w_c[16*gi+:8], in_hi ? w_c[16*gi+8+:8] : 8'd0} : 16'd0;
        end
    endgenerate
    wire [23:0] c_lsum;
    rg_add_tree #(
        .N (64),
        .W (16),
        .OW(24)
    ) u_lsum (
        .in (c_lwords),
        .sum(c_lsum)
    );

    reg [15:0] d_len;
    reg [1:0] d_port;
    reg [7:0] d_win;
    reg [5:0] d_e;
    reg [10:0] d_o;
    reg [11:0] d_i;
    reg d_tunnel;
    reg [6:0] d_l3t;
    reg [5:0] d_ihlt;
    reg [159:0] d_th;
    reg [16:0] d_end;
    reg [8:0] d_l4;
    reg [159:0] d_l4h;
    reg [23:0] d_lsum;
    reg [23:0] d_pseudo;
    reg [31:0] d_osrc;
    always @(posedge clk) begin
        d_len <= c_len;
        d_port <= c_port;
        d_win <= c_win;
        d_e <= c_e;
        d_o <= {c_ok, c_oj, c_oi, c_oh_, c_og, c_of, c_oe, c_od, c_oc, c_ob, c_oa};
        d_i <= c_tunnel ? {c_iproto4, c_ik, c_ij, c_ii, c_ih_, c_ig, c_if, c_ie, c_id, c_ic, c_ib, c_ia} :
            12'd0;
        d_tunnel <= c_tunnel;
        d_l3t <= c_l3t[6:0];
        d_ihlt <= c_ihlt;
        d_th <= c_th;
        d_end <= c_end;
        d_l4 <= c_l4;
        d_l4h <= c_l4h;
        d_lsum <= c_lsum;
        // pseudo-header (addresses, protocol, L4 length) for TCP/UDP, a
        // stage ahead of the checksum fold
        d_pseudo <= {8'b0, be16(c_th, 12)} + {8'b0, be16(c_th, 14)} + {8'b0, be16(c_th, 16)} +
            {8'b0, be16(c_th, 18)} + {16'b0, c_th[8*9+:8]} + {7'b0, c_end - {8'b0, c_l4}};
        d_osrc <= c_oh[8*12+:32];
    end

    // ================= stage D: L4 checks, checksum, class, key =================
    wire [7:0] d_proto = d_th[8*9+:8];
    wire d_tcp = d_proto == P_TCP;
    wire d_udp = d_proto == P_UDP;
    wire d_icmp = d_proto == P_ICMP;
    wire d_esp = d_proto == P_ESP;
    wire d_ah = d_proto == P_AH;
    wire d_known = d_tcp | d_udp | d_icmp | d_esp | d_ah;
    wire [4:0] d_need = d_tcp ? 5'd20 : d_ah ? 5'd12 : 5'd8;
    wire d_l4a = {8'b0, d_l4} + {12'b0, d_need} > d_end;
    wire d_l4b = d_l4 + {4'b0, d_need} > {1'b0, d_win};
    wire [5:0] d_doff = {d_l4h[8*12+4+:4], 2'b00};
    wire d_tcpbad = d_doff < 6'd20 || {8'b0, d_l4} + {11'b0, d_doff} > d_end;
    wire [16:0] d_l4len = d_end - {8'b0, d_l4};
    wire d_udpbad = {1'b0, be16(d_l4h, 4)} != d_l4len;
    wire d_verify = d_tcp | (d_udp & (be16(d_l4h, 6) != 16'd0)) | d_icmp;
    wire d_beyond = d_end > WB17;
    wire d_trailer = d_beyond && {1'b0, d_len} != d_end;
    wire [23:0] d_csum_all = d_lsum + (d_beyond ? {8'b0, tail_d} : 24'd0) + (d_icmp ? 24'd0 : d_pseudo);
    wire d_csumbad = fold(d_csum_all) != 16'hffff;
    wire [7:0] d_itype = d_l4h[7:0];
    wire d_ireq = d_itype == 8'd8 || d_itype == 8'd13;
    wire d_irep = d_itype == 8'd0 || d_itype == 8'd14;
    wire d_ierr = d_itype == 8'd3 || d_itype == 8'd4 || d_itype == 8'd5 || d_itype == 8'd11 ||
        d_itype == 8'd12;
    wire d_tcpctrl = (d_l4h[8*13+:8] & TCP_CTRL_FLAGS) != 8'd0 && !force_d;

    // stage E: every check as one registered bit, then the priority encoder
    reg [5:0] e_e;
    reg [10:0] e_o;
    reg [11:0] e_i;
    reg e_known, e_l4a, e_l4b, e_tcp, e_udp, e_icmp, e_tcpbad, e_udpbad, e_verify, e_trailer;
    reg e_csumbad, e_ireq, e_irep, e_ierr, e_tcpctrl;
    always @(posedge clk) begin
        e_e <= d_e;
        e_o <= d_o;
        e_i <= d_i;
        e_known <= d_known;
        e_l4a <= d_l4a;
        e_l4b <= d_l4b;
        e_tcp <= d_tcp;
        e_udp <= d_udp;
        e_icmp <= d_icmp;
        e_tcpbad <= d_tcpbad;
        e_udpbad <= d_udpbad;
        e_verify <= d_verify;
        e_trailer <= d_trailer;
        e_csumbad <= d_csumbad;
        e_ireq <= d_ireq;
        e_irep <= d_irep;
        e_ierr <= d_ierr;
        e_tcpctrl <= d_tcpctrl;
    end

    // the first check that fires decides (order of design.md steps 1-7)
    reg dec;
    reg [1:0] dv;
    reg [4:0] dr;
    always @(*) begin
        dec = 1'b1;
        dv = V_DROP;
        dr = `RG_DROP_RUNT;
        if (e_e[0]) dr = `RG_DROP_RUNT;
        else if (e_e[1]) dr = `RG_DROP_NOT_MINE;
        else if (e_e[2]) dr = `RG_DROP_RUNT;
        else if (e_e[3]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_VLAN)};
        else if (e_e[4]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_NOT_IPV4)};
        else if (e_e[5]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_L2_BCAST)};
        else if (e_o[0]) dr = `RG_DROP_RUNT;
        else if (e_o[1]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_HDR_WINDOW)};
        else if (e_o[2]) dr = `RG_DROP_BAD_IP_VER;
        else if (e_o[3]) dr = `RG_DROP_BAD_IP_HDR;
        else if (e_o[4]) dr = `RG_DROP_RUNT;
        else if (e_o[5]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_HDR_WINDOW)};
        else if (e_o[6]) dr = `RG_DROP_BAD_IP_HDR;
        else if (e_o[7]) dr = `RG_DROP_BAD_IP_LEN;
        else if (e_o[8]) dr = `RG_DROP_BAD_IP_CSUM;
        else if (e_o[9]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_FRAG)};
        else if (e_o[10]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_IP_OPTIONS)};
        else if (e_i[0]) dr = `RG_DROP_BAD_IP_LEN;
        else if (e_i[1]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_HDR_WINDOW)};
        else if (e_i[2]) dr = `RG_DROP_BAD_IP_VER;
        else if (e_i[3]) dr = `RG_DROP_BAD_IP_HDR;
        else if (e_i[4]) dr = `RG_DROP_BAD_IP_LEN;
        else if (e_i[5]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_HDR_WINDOW)};
        else if (e_i[6]) dr = `RG_DROP_BAD_IP_HDR;
        else if (e_i[7]) dr = `RG_DROP_BAD_IP_LEN;
        else if (e_i[8]) dr = `RG_DROP_BAD_IP_CSUM;
        else if (e_i[9]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_FRAG)};
        else if (e_i[10]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_IP_OPTIONS)};
        else if (e_i[11]) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_PROTO)};
        else if (!e_known) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_PROTO)};
        else if (e_l4a) dr = `RG_DROP_BAD_L4_LEN;
        else if (e_l4b) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_HDR_WINDOW)};
        else if (e_tcp && e_tcpbad) dr = `RG_DROP_BAD_L4_LEN;
        else if (e_udp && e_udpbad) dr = `RG_DROP_BAD_L4_LEN;
        else if (e_verify && e_trailer) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_TRAILER)};
        else if (e_verify && e_csumbad) dr = `RG_DROP_BAD_L4_CSUM;
        else if (e_icmp && !e_ireq && !e_irep && e_ierr) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_ICMP_ERROR)};
        else if (e_icmp && !e_ireq && !e_irep) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_ICMP_OTHER)};
        else if (e_tcp && e_tcpctrl) {dv, dr} = {V_PUNT, 5'(`RG_PUNT_TCP_CTRL)};
        else {dec, dv, dr} = {1'b0, V_DROP, 5'd0};
    end

    // the key (struct rg_flow_key, memory order)
    reg [8*`RG_FLOW_KEY_BYTES-1:0] k;
    always @(*) begin
        k = 0;
        k[8*`RG_KEY_SRC_ADDR_OFF+:32] = d_th[8*12+:32];
        k[8*`RG_KEY_DST_ADDR_OFF+:32] = d_th[8*16+:32];
        if (d_tcp || d_udp) k[8*`RG_KEY_SRC_PORT_OFF+:32] = d_l4h[31:0];  // both ports
        else if (d_icmp && d_ireq) k[8*`RG_KEY_SRC_PORT_OFF+:16] = d_l4h[8*4+:16];
        else if (d_icmp) k[8*`RG_KEY_DST_PORT_OFF+:16] = d_l4h[8*4+:16];
        else if (d_esp) k[8*`RG_KEY_SRC_PORT_OFF+:32] = d_l4h[31:0];  // SPI halves
        else if (d_ah) k[8*`RG_KEY_SRC_PORT_OFF+:32] = d_l4h[8*4+:32];
        k[8*`RG_KEY_PROTO_OFF+:8] = d_proto;
        k[8*`RG_KEY_SIDE_OFF+:8] = {6'b0, d_port};
        k[8*`RG_KEY_FLAGS_OFF+:8] = d_tunnel ? 8'(`RG_KEY_TUNNEL) : 8'd0;
    end

    reg [8*`RG_FLOW_KEY_BYTES-1:0] e_key;
    reg e_tunnel;
    reg [6:0] e_l3;
    reg [5:0] e_ihl;
    reg [7:0] e_proto, e_ttl, e_win;
    reg [15:0] e_iplen;
    reg [31:0] e_osrc;
    reg [159:0] e_l4h, e_th;
    always @(posedge clk) begin
        e_key <= k;
        e_tunnel <= d_tunnel;
        e_l3 <= d_l3t;
        e_ihl <= d_ihlt;
        e_proto <= d_proto;
        e_iplen <= be16(d_th, 2);
        e_ttl <= d_th[8*8+:8];
        e_osrc <= d_osrc;
        e_l4h <= d_l4h;
        e_th <= d_th;
        e_win <= d_win;
    end

    always @(posedge clk) begin
        decided <= dec;
        verdict <= dv;
        reason <= dr;
        key <= e_key;
        tunnel <= e_tunnel;
        l3 <= e_l3;
        ihl <= e_ihl;
        proto <= e_proto;
        ip_len <= e_iplen;
        ttl <= e_ttl;
        icmp_request <= e_ireq;
        outer_src <= e_osrc;
        l4h <= e_l4h;
        th <= e_th;
        win <= e_win;
    end
endmodule
