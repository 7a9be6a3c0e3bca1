// SPDX-License-Identifier: BSD-2-Clause
//
// rg_ram — simple dual-port on-chip RAM: one read port, one write port with
// independently enabled lanes (byte/word enables of a block RAM).
//
// Interfaces: read address in cycle t, data registered and valid in t+1
// (read-first: a read and a write of the same word in the same cycle return
// the old word). Writes take effect at the end of the cycle they are
// presented in, so a read issued one cycle later sees them.
// Latency: 1 clock (read). No reset: contents are cleared by the owner
// (rg_fp_top sweeps every table after reset).
`default_nettype none

module rg_ram #(
    parameter integer DEPTH = 1024, // words; addresses >= DEPTH must not be used
    parameter integer AW = 10,      // address bits, 2**AW >= DEPTH
    parameter integer LANES = 1,    // independently writable lanes per word
    parameter integer LANE_W = 64   // bits per lane
) (
    input wire clk,
    input wire [AW-1:0] raddr,
    output reg [LANES*LANE_W-1:0] rdata,
    input wire [LANES-1:0] we,
    input wire [AW-1:0] waddr,
    input wire [LANES*LANE_W-1:0] wdata
);
    reg [LANES*LANE_W-1:0] mem[0:DEPTH-1];
    integer l;

    always @(posedge clk) begin
        rdata <= mem[raddr];
        for (l = 0; l < LANES; l = l + 1)
            if (we[l]) mem[waddr][l*LANE_W+:LANE_W] <= wdata[l*LANE_W+:LANE_W];
    end
endmodule
