// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_counters — the fast path counters of flow.h (RG_FPC_*): rx per
// ingress port, tx per egress port, session hits, punts and drops by reason;
// 32-bit, wrapping. Every descriptor increments at most one counter of each
// group (rx, hit, verdict), so each group needs one incrementer per counter
// and no arbitration: the counters keep up with one packet per clock.
// Only counters that can count are built (reasons below RG_PUNT__COUNT /
// RG_DROP__COUNT); the others read as zero.
//
// Interfaces: one result per clock on the inc_* inputs; rd_index selects the
// counter shown on rd_value (combinational).
// Latency: the increment is visible one clock after the result.
`default_nettype none
`include "rg_contract.vh"

module rg_fp_counters (
    input wire clk,
    input wire rst,
    input wire inc,            // a result leaves the pipeline
    input wire [1:0] in_port,
    input wire [1:0] verdict,  // enum rg_verdict
    input wire [4:0] reason,
    input wire [1:0] out_port,
    input wire hit,            // executed session hit
    input wire [6:0] rd_index, // RG_FPC_* index
    output reg [31:0] rd_value
);
    reg [31:0] rx[0:`RG_PORT_COUNT-1];
    reg [31:0] tx[0:`RG_PORT_COUNT-1];
    reg [31:0] hits;
    reg [31:0] punts[0:`RG_PUNT__COUNT-1];
    reg [31:0] drops[0:`RG_DROP__COUNT-1];
    integer i;

    always @(posedge clk) begin
        if (rst) begin
            for (i = 0; i < `RG_PORT_COUNT; i = i + 1) begin
                rx[i] <= 32'd0;
                tx[i] <= 32'd0;
            end
            hits <= 32'd0;
            for (i = 0; i < `RG_PUNT__COUNT; i = i + 1) punts[i] <= 32'd0;
            for (i = 0; i < `RG_DROP__COUNT; i = i + 1) drops[i] <= 32'd0;
        end else if (inc) begin
            for (i = 0; i < `RG_PORT_COUNT; i = i + 1) begin
                if (in_port == i[1:0]) rx[i] <= rx[i] + 32'd1;
                if (verdict == `RG_VERDICT_FORWARD && out_port == i[1:0]) tx[i] <= tx[i] + 32'd1;
            end
            if (hit) hits <= hits + 32'd1;
            for (i = 0; i < `RG_PUNT__COUNT; i = i + 1)
                if (verdict == `RG_VERDICT_PUNT && reason == i[4:0]) punts[i] <= punts[i] + 32'd1;
            for (i = 0; i < `RG_DROP__COUNT; i = i + 1)
                if (verdict == `RG_VERDICT_DROP && reason == i[4:0]) drops[i] <= drops[i] + 32'd1;
        end
    end

    always @(*) begin
        rd_value = 32'd0;
        for (i = 0; i < `RG_PORT_COUNT; i = i + 1) begin
            if ({25'b0, rd_index} == `RG_FPC_RX_BASE + i) rd_value = rx[i];
            if ({25'b0, rd_index} == `RG_FPC_TX_BASE + i) rd_value = tx[i];
        end
        if ({25'b0, rd_index} == `RG_FPC_HIT) rd_value = hits;
        for (i = 0; i < `RG_PUNT__COUNT; i = i + 1)
            if ({25'b0, rd_index} == `RG_FPC_PUNT_BASE + i) rd_value = punts[i];
        for (i = 0; i < `RG_DROP__COUNT; i = i + 1)
            if ({25'b0, rd_index} == `RG_FPC_DROP_BASE + i) rd_value = drops[i];
    end
endmodule
