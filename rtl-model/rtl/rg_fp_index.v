// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_index — the two-bank lookup index (flow.h): 2 banks x 2^BUCKETS_LOG2
// buckets x 4 slots of 64 bits, one block RAM word (256 bits) per bucket,
// both banks read in parallel every clock; then the scan of step 9: bank 0
// slots 0..3, bank 1 slots 0..3, the first valid slot whose tag equals hash
// word 2 is the candidate.
//
// Table commands arrive as a token in a pipeline bubble (rg_fp_csr), so the
// RAM ports are free for them and every packet before the token sees the
// old index, every packet after it the new one. A slot write uses the lane
// enable of its slot; the clear token (reset sweep) writes whole buckets of
// both banks.
//
// Interfaces: stage I inputs in cycle k (hash words of the packet, or the
// token); cand/slot in k+2; tok_slot (the slot a READ_SLOT token asked for)
// in k+2.
// Latency: 2 clocks (RAM read, scan).
`default_nettype none
`include "rg_contract.vh"

module rg_fp_index #(
    parameter integer BUCKETS_LOG2 = 12 // buckets per bank, log2
) (
    input wire clk,
    // stage I: packet
    // hash words 0 and 1 are masked to the bank size: upper bits unused
    /* verilator lint_off UNUSEDSIGNAL */
    input wire [31:0] h0, // bank-0 bucket
    input wire [31:0] h1, // bank-1 bucket
    /* verilator lint_on UNUSEDSIGNAL */
    input wire [31:0] h2, // tag
    // stage I: table command token (no packet in this slot)
    input wire tok,                       // a token is at this stage
    input wire tok_clear,                 // reset sweep: clear bucket tok_bucket in both banks
    input wire tok_write,                 // RG_TBL_WRITE_SLOT
    input wire [BUCKETS_LOG2-1:0] tok_bucket,
    input wire tok_bank,
    input wire [1:0] tok_slot_no,
    input wire [63:0] tok_value,
    // stage I+2
    output reg cand,       // a slot matched the tag
    output reg [63:0] slot, // the matching slot (0 when none)
    output reg [63:0] tok_slot // slot addressed by the token (READ_SLOT)
);
    localparam integer SW = 64;  // slot bits
    localparam integer NS = `RG_BUCKET_SLOTS;

    wire [NS*SW-1:0] q0, q1;
    wire [NS-1:0] lane = tok_clear ? {NS{1'b1}} : ({{(NS - 1) {1'b0}}, 1'b1} << tok_slot_no);
    wire wr = tok && (tok_clear || tok_write);
    wire [NS*SW-1:0] wdata = tok_clear ? {NS * SW{1'b0}} : {NS{tok_value}};
    wire [BUCKETS_LOG2-1:0] ra0 = tok ? tok_bucket : h0[BUCKETS_LOG2-1:0];
    wire [BUCKETS_LOG2-1:0] ra1 = tok ? tok_bucket : h1[BUCKETS_LOG2-1:0];

    rg_ram #(
        .DEPTH (1 << BUCKETS_LOG2),
        .AW    (BUCKETS_LOG2),
        .LANES (NS),
        .LANE_W(SW)
    ) u_bank0 (
        .clk  (clk),
        .raddr(ra0),
        .rdata(q0),
        .we   (lane & {NS{wr && (tok_clear || !tok_bank)}}),
        .waddr(tok_bucket),
        .wdata(wdata)
    );
    rg_ram #(
        .DEPTH (1 << BUCKETS_LOG2),
        .AW    (BUCKETS_LOG2),
        .LANES (NS),
        .LANE_W(SW)
    ) u_bank1 (
        .clk  (clk),
        .raddr(ra1),
        .rdata(q1),
        .we   (lane & {NS{wr && (tok_clear || tok_bank)}}),
        .waddr(tok_bucket),
        .wdata(wdata)
    );

    // stage I+1: scan
    reg [31:0] tag_q;
    reg tbank_q;
    reg [1:0] tslot_q;
    always @(posedge clk) begin
        tag_q <= h2;
        tbank_q <= tok_bank;
        tslot_q <= tok_slot_no;
    end

    wire [2*NS*SW-1:0] all = {q1, q0};  // scan order: bank 0 slots 0..3, bank 1 slots 0..3
    reg found;
    reg [SW-1:0] hitv;
    integer s;
    always @(*) begin
        found = 1'b0;
        hitv = {SW{1'b0}};
        for (s = 2 * NS - 1; s >= 0; s = s - 1)
            if (all[s*SW+`RG_SLOT_VALID_BIT] && all[s*SW+:32] == tag_q) begin
                found = 1'b1;
                hitv = all[s*SW+:SW];
            end
    end

    always @(posedge clk) begin
        cand <= found;
        slot <= hitv;
        tok_slot <= all[{tbank_q, tslot_q}*SW+:SW];
    end
endmodule
