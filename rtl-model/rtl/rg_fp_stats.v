// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_stats — the fast-path-maintained part of each session entry (bytes
// 44..63 of struct rg_session: last_seen, packets and bytes per direction)
// and step 13's update of an executed hit: last_seen = ts_ms, +1 packet and
// +frame_len bytes in the hit's direction.
//
// The update is a read-modify-write over two clocks: read in cycle k, add
// and write in k+1. The packet right behind reads before that write lands,
// so the last write is kept in a register and forwarded when the addresses
// match (back-to-back packets of one session count exactly). Tokens reset an
// entry (WRITE_SESSION, reset clear) through the same write port and read
// one (READ_SESSION) through the same read port and forwarding.
//
// Interfaces: stage T inputs in cycle k; the write happens at the end of
// k+1; tok_rstats (the entry a READ_SESSION token read) is valid in k+2.
// Latency: 1 clock to the write, 2 to tok_rstats.
`default_nettype none
`include "rg_contract.vh"

module rg_fp_stats #(
    parameter integer SESSIONS = 16384, // session capacity
    parameter integer AW = 14           // address bits, 2**AW >= SESSIONS
) (
    input wire clk,
    input wire rst,
    // stage T: packet
    input wire exec,        // executed hit
    input wire [AW-1:0] idx,
    input wire dir,
    input wire [15:0] frame_len,
    input wire [31:0] ts,
    // stage T: token
    input wire tok,
    input wire tok_reset,   // WRITE_SESSION or clear: zero the entry
    input wire [AW-1:0] tok_index,
    // stage T+2
    output reg [8*(`RG_SESSION_BYTES-`RG_SESSION_BODY_BYTES)-1:0] tok_rstats
);
    // field positions inside the 20-byte statistics word (entry offset - 44)
    localparam integer SW = 8 * (`RG_SESSION_BYTES - `RG_SESSION_BODY_BYTES);
    localparam integer LS = 8 * (`RG_SESS_LAST_SEEN_OFF - `RG_SESSION_BODY_BYTES);
    localparam integer PI = 8 * (`RG_SESS_PKTS_I2O_OFF - `RG_SESSION_BODY_BYTES);
    localparam integer PO = 8 * (`RG_SESS_PKTS_O2I_OFF - `RG_SESSION_BODY_BYTES);
    localparam integer BI = 8 * (`RG_SESS_BYTES_I2O_OFF - `RG_SESSION_BODY_BYTES);
    localparam integer BO = 8 * (`RG_SESS_BYTES_O2I_OFF - `RG_SESSION_BODY_BYTES);

    wire [AW-1:0] raddr = tok ? tok_index : idx;
    wire [SW-1:0] q;

    // stage T+1
    reg u_exec, u_dir, u_tok, u_reset;
    reg [AW-1:0] u_addr;
    reg [15:0] u_len;
    reg [31:0] u_ts;
    always @(posedge clk) begin
        u_exec <= exec && !tok;
        u_dir <= dir;
        u_tok <= tok;
        u_reset <= tok && tok_reset;
        u_addr <= raddr;
        u_len <= frame_len;
        u_ts <= ts;
    end

    // last write, forwarded to a read that raced it
    reg fw_valid;
    reg [AW-1:0] fw_addr;
    reg [SW-1:0] fw_data;
    wire [SW-1:0] cur = (fw_valid && fw_addr == u_addr) ? fw_data : q;

    reg [SW-1:0] nxt;
    always @(*) begin
        nxt = cur;
        nxt[LS+:32] = u_ts;
        if (!u_dir) begin
            nxt[PI+:32] = cur[PI+:32] + 32'd1;
            nxt[BI+:32] = cur[BI+:32] + {16'b0, u_len};
        end else begin
            nxt[PO+:32] = cur[PO+:32] + 32'd1;
            nxt[BO+:32] = cur[BO+:32] + {16'b0, u_len};
        end
        if (u_reset) nxt = {SW{1'b0}};
    end
    wire we = u_exec || u_reset;

    rg_ram #(
        .DEPTH (SESSIONS),
        .AW    (AW),
        .LANES (1),
        .LANE_W(SW)
    ) u_ram (
        .clk  (clk),
        .raddr(raddr),
        .rdata(q),
        .we   (we),
        .waddr(u_addr),
        .wdata(nxt)
    );

    always @(posedge clk) begin
        if (rst) fw_valid <= 1'b0;
        else if (we) fw_valid <= 1'b1;
        if (we) begin
            fw_addr <= u_addr;
            fw_data <= nxt;
        end
        if (u_tok) tok_rstats <= cur;
    end
endmodule
