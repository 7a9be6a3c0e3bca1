// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_session — the session body table and steps 9 (verify) and 10-11
// (action decode, tunnel source, TTL) of "Fast path semantics": read the
// candidate's 44-byte body, compare the session's key for the slot's
// direction with the packet key, then decode the direction's action nibble.
// The statistics part of the 64-byte entry lives in rg_fp_stats.
//
// Table commands (WRITE_SESSION / READ_SESSION / reset clear) use the RAM
// ports in their pipeline bubble, so a body is always committed before any
// later packet reads it (body-then-slot order of the firmware is kept by
// construction).
//
// Interfaces: stage S inputs in cycle k; all outputs registered in k+2.
// The packet fields key/tunnel/outer_src/ttl are taken at stage S and
// delayed here.
// Latency: 2 clocks (RAM read, verify + decode).
`default_nettype none
`include "rg_contract.vh"

module rg_fp_session #(
    parameter integer SESSIONS = 16384, // session capacity
    parameter integer AW = 14           // address bits, 2**AW >= SESSIONS
) (
    input wire clk,
    // stage S: packet
    input wire lookup,           // packet needs a lookup (valid, not decided)
    input wire cand,             // the index found a slot
    // valid bit and tag of the slot were checked by the index
    /* verilator lint_off UNUSEDSIGNAL */
    input wire [63:0] slot,      // that slot
    /* verilator lint_on UNUSEDSIGNAL */
    input wire [8*`RG_FLOW_KEY_BYTES-1:0] key,
    input wire tunnel,           // key flagged TUNNEL
    input wire [31:0] outer_src, // outermost source address (memory order)
    input wire [7:0] ttl,        // TTL of the translated header
    // stage S: token
    input wire tok,
    input wire tok_clear,
    input wire tok_write,        // RG_TBL_WRITE_SESSION
    input wire [AW-1:0] tok_index,
    input wire [8*`RG_SESSION_BODY_BYTES-1:0] tok_body,
    // stage S+2
    output reg hit,              // a session matched (reported in out meta)
    output reg dir,              // its direction
    output reg [29:0] idx,       // its index
    output reg decided,          // the session decided the packet
    output reg [1:0] verdict,
    output reg [4:0] reason,
    output reg executed,         // session DROP executed (statistics, HIT)
    output reg forward,          // FORWARD action passed steps 10 and the TTL check
    output reg encap,            // RG_ACT_ENCAP
    output reg dec_ttl,          // !RG_ACT_KEEP_TTL
    output reg [15:0] adj,       // adjacency index of the direction
    output reg [31:0] new_src,   // rewrite values (memory order)
    output reg [31:0] new_dst,
    output reg [15:0] new_sport,
    output reg [15:0] new_dport,
    output reg [15:0] d3,        // IP delta (number), complemented for O2I
    output reg [15:0] d4,        // L4 delta
    output reg [31:0] tun_addr,  // memory order
    output reg [8*`RG_SESSION_BODY_BYTES-1:0] tok_rbody // body read by a token
);
    localparam integer BB = 8 * `RG_SESSION_BODY_BYTES;
    localparam [7:0] P_NONE = 8'd0;

    function automatic [7:0] byte_at(input [BB-1:0] b, input integer o);
        byte_at = b[8*o+:8];
    endfunction

    wire [29:0] s_idx = slot[`RG_SLOT_INDEX_SHIFT+:30];
    wire s_inrange = {2'b0, s_idx} < SESSIONS;
    wire [AW-1:0] raddr = tok ? tok_index : (s_inrange ? s_idx[AW-1:0] : {AW{1'b0}});
    wire [BB-1:0] body;

    rg_ram #(
        .DEPTH (SESSIONS),
        .AW    (AW),
        .LANES (1),
        .LANE_W(BB)
    ) u_body (
        .clk  (clk),
        .raddr(raddr),
        .rdata(body),
        .we   (tok && (tok_clear || tok_write)),
        .waddr(tok_index),
        .wdata(tok_clear ? {BB{1'b0}} : tok_body)
    );

    // stage S+1
    reg v_lookup, v_cand, v_inrange, v_dir, v_tunnel;
    reg [29:0] v_idx;
    reg [8*`RG_FLOW_KEY_BYTES-1:0] v_key;
    reg [31:0] v_osrc;
    reg [7:0] v_ttl;
    always @(posedge clk) begin
        v_lookup <= lookup;
        v_cand <= cand;
        v_inrange <= s_inrange;
        v_dir <= slot[`RG_SLOT_DIR_BIT];
        v_idx <= s_idx;
        v_key <= key;
        v_tunnel <= tunnel;
        v_osrc <= outer_src;
        v_ttl <= ttl;
    end

    wire [7:0] sflags = byte_at(body, `RG_SESS_FLAGS_OFF);
    /* verilator lint_off UNUSEDSIGNAL */
    wire [7:0] sides = byte_at(body, `RG_SESS_SIDES_OFF);  // bits 7:4 unused by the contract
    /* verilator lint_on UNUSEDSIGNAL */
    wire [7:0] ops = byte_at(body, `RG_SESS_OPS_OFF);
    // the session's key for the slot's direction
    reg [8*`RG_FLOW_KEY_BYTES-1:0] skey;
    always @(*) begin
        skey = 0;
        skey[8*`RG_KEY_PROTO_OFF+:8] = byte_at(body, `RG_SESS_PROTO_OFF);
        if (!v_dir) begin
            skey[8*`RG_KEY_SRC_ADDR_OFF+:32] = body[8*`RG_SESS_IN_ADDR_OFF+:32];
            skey[8*`RG_KEY_SRC_PORT_OFF+:16] = body[8*`RG_SESS_IN_PORT_OFF+:16];
            skey[8*`RG_KEY_DST_ADDR_OFF+:32] = body[8*`RG_SESS_REM_XADDR_OFF+:32];
            skey[8*`RG_KEY_DST_PORT_OFF+:16] = body[8*`RG_SESS_REM_XPORT_OFF+:16];
            skey[8*`RG_KEY_SIDE_OFF+:8] = {6'b0, sides[1:0]};
            skey[8*`RG_KEY_FLAGS_OFF+:8] = (sflags & 8'(`RG_SESS_I2O_TUNNEL)) != 0 ? 8'(`RG_KEY_TUNNEL) : 8'd0;
        end else begin
            skey[8*`RG_KEY_SRC_ADDR_OFF+:32] = body[8*`RG_SESS_REM_ADDR_OFF+:32];
            skey[8*`RG_KEY_SRC_PORT_OFF+:16] = body[8*`RG_SESS_REM_PORT_OFF+:16];
            skey[8*`RG_KEY_DST_ADDR_OFF+:32] = body[8*`RG_SESS_OUT_ADDR_OFF+:32];
            skey[8*`RG_KEY_DST_PORT_OFF+:16] = body[8*`RG_SESS_OUT_PORT_OFF+:16];
            skey[8*`RG_KEY_SIDE_OFF+:8] = {6'b0, sides[3:2]};
            skey[8*`RG_KEY_FLAGS_OFF+:8] = (sflags & 8'(`RG_SESS_O2I_TUNNEL)) != 0 ? 8'(`RG_KEY_TUNNEL) : 8'd0;
        end
    end
    wire match = v_lookup && v_cand && v_inrange && (sflags & 8'(`RG_SESS_VALID)) != 0 && skey == v_key;

    // step 10-11 (TTL) on a match
    wire [3:0] op = v_dir ? ops[7:4] : ops[3:0];
    wire [1:0] kind = op[1:0];
    wire tun_bad = v_tunnel && v_osrc != body[8*`RG_SESS_TUN_ADDR_OFF+:32];
    wire [7:0] dreason = v_dir ? byte_at(body, `RG_SESS_DROP_O2I_OFF) : byte_at(body, `RG_SESS_DROP_I2O_OFF);
    wire dreason_ok = kind == `RG_ACT_DROP && dreason != P_NONE && dreason < `RG_DROP__COUNT;
    wire ttl_dec = !op[3];  // RG_ACT_KEEP_TTL is bit 3
    wire [15:0] csum_l3 = {byte_at(body, `RG_SESS_CSUM_L3_OFF), byte_at(body, `RG_SESS_CSUM_L3_OFF + 1)};
    wire [15:0] csum_l4 = {byte_at(body, `RG_SESS_CSUM_L4_OFF), byte_at(body, `RG_SESS_CSUM_L4_OFF + 1)};

    always @(posedge clk) begin
        hit <= match;
        dir <= v_dir;
        idx <= v_idx;
        decided <= 1'b1;
        verdict <= `RG_VERDICT_PUNT;
        reason <= `RG_PUNT_MISS;
        executed <= 1'b0;
        forward <= 1'b0;
        if (match) begin
            if (kind == `RG_ACT_PUNT) reason <= `RG_PUNT_SESSION;
            else if (tun_bad) {verdict, reason} <= {2'(`RG_VERDICT_DROP), 5'(`RG_DROP_TUNNEL_SRC)};
            else if (kind != `RG_ACT_FORWARD) begin
                verdict <= `RG_VERDICT_DROP;
                reason <= dreason_ok ? dreason[4:0] : 5'(`RG_DROP_POLICY);
                executed <= 1'b1;
            end else if (ttl_dec && v_ttl <= 8'd1) reason <= `RG_PUNT_TTL;
            else begin
                decided <= 1'b0;
                forward <= 1'b1;
            end
        end
        encap <= (op & 4'(`RG_ACT_ENCAP)) != 0;
        dec_ttl <= ttl_dec;
        adj <= v_dir ? body[8*`RG_SESS_ADJ_O2I_OFF+:16] : body[8*`RG_SESS_ADJ_I2O_OFF+:16];
        if (!v_dir) begin
            new_src <= body[8*`RG_SESS_OUT_ADDR_OFF+:32];
            new_sport <= body[8*`RG_SESS_OUT_PORT_OFF+:16];
            new_dst <= body[8*`RG_SESS_REM_ADDR_OFF+:32];
            new_dport <= body[8*`RG_SESS_REM_PORT_OFF+:16];
            d3 <= csum_l3;
            d4 <= csum_l4;
        end else begin
            new_src <= body[8*`RG_SESS_REM_XADDR_OFF+:32];
            new_sport <= body[8*`RG_SESS_REM_XPORT_OFF+:16];
            new_dst <= body[8*`RG_SESS_IN_ADDR_OFF+:32];
            new_dport <= body[8*`RG_SESS_IN_PORT_OFF+:16];
            d3 <= ~csum_l3;
            d4 <= ~csum_l4;
        end
        tun_addr <= body[8*`RG_SESS_TUN_ADDR_OFF+:32];
        tok_rbody <= body;
    end
endmodule
