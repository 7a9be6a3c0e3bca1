// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_units — test bench top for directed tests of single modules
// (tests/rtl/test_rtl_units.cpp): the hash, the checksum adder tree, the
// FIFO, the statistics read-modify-write, the counters and the RAM, each
// with its own ports brought out, so a test drives a module without the
// rest of the pipeline around it. Not part of the synthesized design.
//
// Interfaces: one port group per module, prefixed with its name.
// Latency: that of each module.
`default_nettype none
`include "rg_contract.vh"

module rg_fp_units (
    input wire clk,
    input wire rst,
    // rg_fp_toeplitz
    input wire [8*`RG_FLOW_KEY_BYTES-1:0] hash_key,
    input wire [8*`RG_HASH_SECRET_BYTES-1:0] hash_secret,
    output wire [31:0] hash_h0,
    output wire [31:0] hash_h1,
    output wire [31:0] hash_h2,
    // rg_add_tree (64 words)
    input wire [64*16-1:0] tree_in,
    output wire [23:0] tree_sum,
    // rg_fifo (16 bits x 4)
    input wire fifo_wr,
    input wire [15:0] fifo_wdata,
    input wire fifo_rd,
    output wire [15:0] fifo_rdata,
    output wire fifo_empty,
    output wire fifo_full,
    output wire [2:0] fifo_count,
    // rg_fp_stats (16 sessions)
    input wire st_exec,
    input wire [3:0] st_idx,
    input wire st_dir,
    input wire [15:0] st_len,
    input wire [31:0] st_ts,
    input wire st_tok,
    input wire st_tok_reset,
    input wire [3:0] st_tok_index,
    output wire [159:0] st_rstats,
    // rg_fp_counters
    input wire cnt_inc,
    input wire [1:0] cnt_in_port,
    input wire [1:0] cnt_verdict,
    input wire [4:0] cnt_reason,
    input wire [1:0] cnt_out_port,
    input wire cnt_hit,
    input wire [6:0] cnt_index,
    output wire [31:0] cnt_value,
    // rg_ram (16 x 2 lanes of 8 bits)
    input wire [3:0] ram_raddr,
    output wire [15:0] ram_rdata,
    input wire [1:0] ram_we,
    input wire [3:0] ram_waddr,
    input wire [15:0] ram_wdata
);
    rg_fp_toeplitz u_hash (
        .clk   (clk),
        .key   (hash_key),
        .secret(hash_secret),
        .h0    (hash_h0),
        .h1    (hash_h1),
        .h2    (hash_h2)
    );
    rg_add_tree #(
        .N (64),
        .W (16),
        .OW(24)
    ) u_tree (
        .in (tree_in),
        .sum(tree_sum)
    );
    rg_fifo #(
        .W         (16),
        .DEPTH_LOG2(2)
    ) u_fifo (
        .clk  (clk),
        .rst  (rst),
        .wr_en(fifo_wr),
        .wdata(fifo_wdata),
        .rd_en(fifo_rd),
        .rdata(fifo_rdata),
        .empty(fifo_empty),
        .full (fifo_full),
        .count(fifo_count)
    );
    rg_fp_stats #(
        .SESSIONS(16),
        .AW      (4)
    ) u_stats (
        .clk       (clk),
        .rst       (rst),
        .exec      (st_exec),
        .idx       (st_idx),
        .dir       (st_dir),
        .frame_len (st_len),
        .ts        (st_ts),
        .tok       (st_tok),
        .tok_reset (st_tok_reset),
        .tok_index (st_tok_index),
        .tok_rstats(st_rstats)
    );
    rg_fp_counters u_counters (
        .clk     (clk),
        .rst     (rst),
        .inc     (cnt_inc),
        .in_port (cnt_in_port),
        .verdict (cnt_verdict),
        .reason  (cnt_reason),
        .out_port(cnt_out_port),
        .hit     (cnt_hit),
        .rd_index(cnt_index),
        .rd_value(cnt_value)
    );
    rg_ram #(
        .DEPTH (16),
        .AW    (4),
        .LANES (2),
        .LANE_W(8)
    ) u_ram (
        .clk  (clk),
        .raddr(ram_raddr),
        .rdata(ram_rdata),
        .we   (ram_we),
        .waddr(ram_waddr),
        .wdata(ram_wdata)
    );
endmodule
