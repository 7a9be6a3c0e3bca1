// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_adj — the adjacency table and the rest of step 11 of "Fast path
// semantics": adjacency index in range and VALID (else punt NO_ADJ), then
// the egress port's MTU (0 = 1500) against the IP length (+20 with ENCAP,
// else punt MTU).
//
// Interfaces: stage J inputs in cycle k (a FORWARD candidate and its
// adjacency index, or a table token); outputs registered in k+2: ok (the
// packet is forwarded), the punt reason otherwise, the egress port and the
// 16-byte adjacency (L2 header source). tok_radj is the entry a READ_ADJ
// token read.
// Latency: 2 clocks (RAM read, checks).
`default_nettype none
`include "rg_contract.vh"

module rg_fp_adj #(
    parameter integer ADJACENCIES = 1024, // adjacency capacity
    parameter integer AW = 10,            // address bits, 2**AW >= ADJACENCIES
    parameter [15:0] DEFAULT_MTU = 16'd1500 // MTU of a port whose register is 0 (design.md step 11)
) (
    input wire clk,
    // stage J: packet
    input wire fwd,              // FORWARD candidate
    input wire [15:0] adj_index,
    input wire encap,
    input wire [15:0] ip_len,    // total length of the translated IPv4 packet
    input wire [16*`RG_PORT_COUNT-1:0] port_mtu,
    // stage J: token
    input wire tok,
    input wire tok_clear,
    input wire tok_write,        // RG_TBL_WRITE_ADJ
    input wire [AW-1:0] tok_index,
    input wire [8*`RG_ADJ_BYTES-1:0] tok_adj,
    // stage J+2
    output reg ok,               // forwarded
    output reg [4:0] reason,     // punt reason when !ok (NO_ADJ or MTU)
    output reg [1:0] port,       // egress port
    output reg [8*`RG_ADJ_BYTES-1:0] adj,
    output reg [8*`RG_ADJ_BYTES-1:0] tok_radj
);
    localparam integer AB = 8 * `RG_ADJ_BYTES;

    wire inrange = {16'b0, adj_index} < ADJACENCIES;
    wire [AW-1:0] raddr = tok ? tok_index : (inrange ? adj_index[AW-1:0] : {AW{1'b0}});
    wire [AB-1:0] q;
    rg_ram #(
        .DEPTH (ADJACENCIES),
        .AW    (AW),
        .LANES (1),
        .LANE_W(AB)
    ) u_adj (
        .clk  (clk),
        .raddr(raddr),
        .rdata(q),
        .we   (tok && (tok_clear || tok_write)),
        .waddr(tok_index),
        .wdata(tok_clear ? {AB{1'b0}} : tok_adj)
    );

    reg j_fwd, j_inrange, j_encap;
    reg [15:0] j_iplen;
    always @(posedge clk) begin
        j_fwd <= fwd;
        j_inrange <= inrange;
        j_encap <= encap;
        j_iplen <= ip_len;
    end

    wire valid = j_inrange && (q[8*`RG_ADJ_FLAGS_OFF+:8] & 8'(`RG_ADJ_VALID)) != 0;
    wire [1:0] eport = q[8*`RG_ADJ_PORT_OFF+:2];
    wire [15:0] mtu_reg = port_mtu[16*eport+:16];
    wire [15:0] mtu = mtu_reg != 0 ? mtu_reg : DEFAULT_MTU;
    wire [16:0] need = {1'b0, j_iplen} + (j_encap ? 17'd20 : 17'd0);
    wire too_big = need > {1'b0, mtu};

    always @(posedge clk) begin
        ok <= j_fwd && valid && !too_big;
        reason <= !valid ? 5'(`RG_PUNT_NO_ADJ) : 5'(`RG_PUNT_MTU);
        port <= eport;
        adj <= q;
        tok_radj <= q;
    end
endmodule
