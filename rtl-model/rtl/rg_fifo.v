// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fifo — synchronous first-word-fall-through FIFO (distributed RAM plus
// pointers). Used for the result queue and the exception queue.
//
// Interfaces: push when wr_en (the writer guarantees !full: the result queue
// is protected by the pipeline's credit counter); the head word is on rdata
// whenever !empty and is removed by rd_en. count is the number of words held.
// Latency: a word pushed in cycle t is visible on rdata in t+1.
`default_nettype none

module rg_fifo #(
    parameter integer W = 64,    // bits per word
    parameter integer DEPTH_LOG2 = 5 // log2 of the number of words
) (
    input wire clk,
    input wire rst,
    input wire wr_en,
    input wire [W-1:0] wdata,
    input wire rd_en,
    output wire [W-1:0] rdata,
    output wire empty,
    output wire full,
    output wire [DEPTH_LOG2:0] count
);
    reg [W-1:0] mem[0:(1<<DEPTH_LOG2)-1];
    reg [DEPTH_LOG2:0] wp;
    reg [DEPTH_LOG2:0] rp;

    assign count = wp - rp;
    assign empty = wp == rp;
    assign full = count[DEPTH_LOG2];
    assign rdata = mem[rp[DEPTH_LOG2-1:0]];

    always @(posedge clk) begin
        if (wr_en) mem[wp[DEPTH_LOG2-1:0]] <= wdata;
        if (rst) begin
            wp <= 0;
            rp <= 0;
        end else begin
            if (wr_en) wp <= wp + 1'b1;
            if (rd_en) rp <= rp + 1'b1;
        end
    end
endmodule
