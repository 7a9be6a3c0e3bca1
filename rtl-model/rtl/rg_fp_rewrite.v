// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_rewrite — step 12 of "Fast path semantics": the output window of a
// forwarded packet. The translated IPv4 packet's bytes of the window are
// re-based at offset 0, its addresses, ports / ICMP identifier, TTL and
// checksums rewritten in place (RFC 1624 incremental updates in exactly the
// order of design.md, so 0x0000/0xFFFF results equal the C model's), then
// placed behind the adjacency's L2 header and, with ENCAP, a new outer IPv4
// header (tunnel source register -> session tun_addr, checksum computed).
// An outer IP-in-IP header of the input is dropped by the re-basing.
//
// Interfaces: stage R inputs in cycle k; out/hdr_len registered in k+2.
// Latency: 2 clocks (rewrite in place; L2/encap prepend).
`default_nettype none
`include "rg_contract.vh"

module rg_fp_rewrite (
    input wire clk,
    input wire [8*`RG_FP_WIN_IN-1:0] w,  // header window
    input wire [6:0] l3,                 // translated header offset
    input wire [5:0] ihl,
    input wire [7:0] proto,
    input wire icmp_request,
    input wire [15:0] ip_len,
    input wire [7:0] win,
    input wire [159:0] l4h,              // first 20 bytes of the L4 header
    input wire [159:0] th,               // first 20 bytes of the translated header
    input wire [31:0] new_src,           // memory order
    input wire [31:0] new_dst,
    input wire [15:0] new_sport,
    input wire [15:0] new_dport,
    input wire [15:0] d3,                // deltas (numbers)
    input wire [15:0] d4,
    input wire encap,
    input wire dec_ttl,
    input wire [31:0] tun_addr,          // memory order
    input wire [31:0] tunnel_src,        // register value (number)
    input wire [8*`RG_ADJ_BYTES-1:0] adj,
    output reg [8*`RG_FP_WIN_OUT-1:0] out,
    output reg [7:0] hdr_len
);
    localparam [7:0] P_ICMP = 8'd1;
    localparam [7:0] P_TCP = 8'd6;
    localparam [7:0] P_UDP = 8'd17;
    localparam [7:0] P_IPIP = 8'd4;
    localparam [15:0] ETH_P_IPV4 = 16'h0800;
    localparam [15:0] ETH_P_8021Q = 16'h8100;
    localparam [7:0] ENCAP_TTL = 8'd64;   // design.md step 12
    localparam integer WB = `RG_FP_WIN_IN;

    // rg_csum_add: 16-bit add with end-around carry
    function automatic [15:0] cadd(input [15:0] a, input [15:0] b);
        reg [16:0] s;
        begin
            s = {1'b0, a} + {1'b0, b};
            cadd = s[15:0] + {15'b0, s[16]};
        end
    endfunction
    // rg_csum_apply: HC' = ~(~HC + D)
    function automatic [15:0] capply(input [15:0] hc, input [15:0] d);
        capply = ~cadd(~hc, d);
    endfunction
    function automatic [15:0] get16(input [159:0] h, input integer o);
        get16 = {h[8*o+:8], h[8*(o+1)+:8]};
    endfunction
    function automatic [15:0] swap16(input [15:0] v);  // number <-> memory order
        swap16 = {v[7:0], v[15:8]};
    endfunction

    // ---------------- stage R: rewrite in place ----------------
    wire [8*WB-1:0] ipw = w >> {l3, 3'b000};
    // header fields come from the parser's copy, in parallel with the shift
    wire [15:0] hc = get16(th, 10);
    wire [15:0] ttlw = get16(th, 8);  // TTL, protocol
    wire [15:0] ttlw_new = ttlw - 16'h0100;
    wire [15:0] c1 = cadd(~hc, d3);
    wire [15:0] c2 = dec_ttl ? cadd(cadd(c1, ~ttlw), ttlw_new) : c1;

    reg [8*WB-1:0] ipn;
    reg [159:0] l4n;
    reg [15:0] cs;
    always @(*) begin
        l4n = l4h;
        cs = 16'd0;
        if (proto == P_TCP) begin
            l4n[15:0] = new_sport;
            l4n[31:16] = new_dport;
            l4n[8*16+:16] = swap16(capply(get16(l4h, 16), d4));
        end else if (proto == P_UDP) begin
            l4n[15:0] = new_sport;
            l4n[31:16] = new_dport;
            if (get16(l4h, 6) != 16'd0) begin
                cs = capply(get16(l4h, 6), d4);
                l4n[8*6+:16] = swap16(cs != 16'd0 ? cs : 16'hffff);
            end
        end else if (proto == P_ICMP) begin
            l4n[8*4+:16] = icmp_request ? new_sport : new_dport;
            l4n[8*2+:16] = swap16(capply(get16(l4h, 2), d4));
        end
        ipn = ipw;
        if (dec_ttl) ipn[8*8+:8] = ttlw_new[15:8];
        ipn[8*10+:16] = swap16(~c2);
        ipn[8*12+:32] = new_src;
        ipn[8*16+:32] = new_dst;
        ipn = (ipn & ~({{(8 * WB - 160) {1'b0}}, {160{1'b1}}} << {ihl, 3'b000})) |
            ({{(8 * WB - 160) {1'b0}}, l4n} << {ihl, 3'b000});
    end

    // the encapsulating header (design.md step 12), checksum computed
    wire [15:0] e_len = ip_len + 16'd20;
    wire [15:0] e_frag = th[8*6+6] ? 16'h4000 : 16'h0000;  // DF of the inner packet
    wire [23:0] e_sum = {8'b0, 8'h45, th[8*1+:8]} + {8'b0, e_len} +
        {8'b0, e_frag} + {8'b0, ENCAP_TTL, P_IPIP} + {8'b0, tunnel_src[31:16]} +
        {8'b0, tunnel_src[15:0]} + {8'b0, get16({128'b0, tun_addr}, 0)} +
        {8'b0, get16({128'b0, tun_addr}, 2)};
    wire [16:0] e_f1 = {9'b0, e_sum[23:16]} + {1'b0, e_sum[15:0]};
    wire [15:0] e_fold = e_f1[15:0] + {15'b0, e_f1[16]};
    wire [159:0] ehdr = {tun_addr, tunnel_src[7:0], tunnel_src[15:8], tunnel_src[23:16],
        tunnel_src[31:24], swap16(~e_fold), P_IPIP, ENCAP_TTL, swap16(e_frag), 16'h0000,
        swap16(e_len), th[8*1+:8], 8'h45};

    reg [8*WB-1:0] r_ipn;
    reg [159:0] r_ehdr;
    reg r_encap;
    // the adjacency's port byte is not part of the L2 header
    /* verilator lint_off UNUSEDSIGNAL */
    reg [8*`RG_ADJ_BYTES-1:0] r_adj;
    /* verilator lint_on UNUSEDSIGNAL */
    reg [7:0] r_tail;  // window bytes from the translated header on
    always @(posedge clk) begin
        r_ipn <= ipn;
        r_ehdr <= ehdr;
        r_encap <= encap;
        r_adj <= adj;
        r_tail <= win - {1'b0, l3};
    end

    // ---------------- stage R+1: L2 (+ outer header) in front ----------------
    wire vlan = (r_adj[8*`RG_ADJ_FLAGS_OFF+:8] & 8'(`RG_ADJ_VLAN)) != 0;
    wire [5:0] l2len = vlan ? 6'd18 : 6'd14;
    wire [5:0] ip_at = l2len + (r_encap ? 6'd20 : 6'd0);
    reg [8*`RG_FP_WIN_OUT-1:0] o;
    always @(*) begin
        o = {{(8 * (`RG_FP_WIN_OUT - WB)) {1'b0}}, r_ipn} << {ip_at, 3'b000};
        o[0+:96] = r_adj[8*`RG_ADJ_DST_MAC_OFF+:96];  // dst MAC, src MAC
        if (vlan) begin
            o[8*12+:16] = swap16(ETH_P_8021Q);
            o[8*14+:16] = r_adj[8*`RG_ADJ_VLAN_TCI_OFF+:16];
            o[8*16+:16] = swap16(ETH_P_IPV4);
            if (r_encap) o[8*18+:160] = r_ehdr;
        end else begin
            o[8*12+:16] = swap16(ETH_P_IPV4);
            if (r_encap) o[8*14+:160] = r_ehdr;
        end
    end

    always @(posedge clk) begin
        out <= o;
        hdr_len <= {2'b0, ip_at} + r_tail;
    end
endmodule
