// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_csr — the fast path's registers as BAR0 sees them (regmap.h): the
// ID block at RG_ID_BASE and the fast path block at RG_FP_BASE (block
// header, control, geometry, table access, tunnel source, port MAC / MTU /
// flags, hash secret, counters). Unmapped offsets read 0 and ignore writes,
// like the C model's CSR view (firmware/fastpath/fp_csr.c).
//
// Table commands: a write to TABLE_CMD checks the command and its target
// (unknown command or index out of range: TABLE_STATUS = ERROR at once, as
// the C model), latches command, index, aux and data, sets BUSY and issues
// a token into the pipeline in the next clock (the input accepts no packet
// in that clock). The token does its RAM accesses at each table's stage;
// the pipeline returns what it read (tok_cap_*) and tok_done ends the
// command: read results are copied to TABLE_DATA, BUSY clears. A command
// written while BUSY is dropped and reported as ERROR when the running one
// completes. After reset a sweep issues one clear token per clock for every
// table address (BUSY until its last token has passed) so RAM contents never
// need a reset.
//
// Interfaces: register bus with one access per clock (csr_valid,
// csr_write, byte address, data); read data registered, valid the clock
// after the request. Configuration outputs are plain registers.
// Latency: reads 1 clock; table commands complete when their token leaves
// the pipeline (rg_fp_top: TOKEN_DONE_STAGE clocks after issue).
`default_nettype none
`include "rg_contract.vh"

module rg_fp_csr #(
    parameter integer BUCKETS_LOG2 = 12,  // buckets per bank, log2
    parameter integer SESSIONS = 16384,   // session capacity
    parameter integer ADJACENCIES = 1024, // adjacency capacity
    parameter integer DRAIN = 16,         // clocks for a token to pass the pipeline
    parameter [15:0] DEFAULT_MTU = 16'd1500, // port MTU after reset (as rg_fp_init)
    parameter [31:0] ID_NEXT = 32'h0,     // NEXT of the ID block (the card's next block)
    parameter [31:0] RTL_VERSION = 32'h0, // major << 16 | minor << 8 | patch
    parameter [63:0] FEATURES = 64'h0,    // RG_FEAT_* of this card
    parameter [31:0] SERIAL = 32'h0       // card serial number
) (
    input wire clk,
    input wire rst,
    // register bus (BAR0 byte offsets)
    input wire csr_valid,
    input wire csr_write,
    input wire [15:0] csr_addr,
    input wire [31:0] csr_wdata,
    output reg [31:0] csr_rdata,
    input wire [31:0] fw_version,    // RG_ID_FW_VERSION, from the firmware's side
    input wire [31:0] build_date,    // RG_ID_BUILD_DATE (decimal YYYYMMDD)
    input wire [31:0] git_hash,      // RG_ID_GIT_HASH
    // configuration
    output reg [48*`RG_PORT_COUNT-1:0] port_mac,
    output reg [16*`RG_PORT_COUNT-1:0] port_mtu,
    output reg [`RG_PORT_COUNT-1:0] port_promisc,
    output reg [12*`RG_PORT_COUNT-1:0] port_vid, // PORT_FLAGS VID field
    output reg [31:0] tunnel_src,
    output reg [8*`RG_HASH_SECRET_BYTES-1:0] secret,
    // counters
    output wire [6:0] cnt_index,
    input wire [31:0] cnt_value,
    // table command token
    output wire tok_issue,           // a token enters the pipeline this clock
    output wire tok_clear,           // it is a reset-sweep clear
    output wire [2:0] tok_cmd,       // RG_TBL_* of a command token
    output wire [31:0] tok_index,
    output wire tok_bank,
    output wire [1:0] tok_slot,
    output wire [8*`RG_SESSION_BYTES-1:0] tok_data,
    input wire tok_cap_slot,         // the token's READ_SLOT result is on tok_slot_q
    input wire [63:0] tok_slot_q,
    input wire tok_cap_body,
    input wire [8*`RG_SESSION_BODY_BYTES-1:0] tok_body_q,
    input wire tok_cap_adj,
    input wire [8*`RG_ADJ_BYTES-1:0] tok_adj_q,
    input wire tok_done,             // the token left; its stats read is on tok_stats_q
    input wire [8*(`RG_SESSION_BYTES-`RG_SESSION_BODY_BYTES)-1:0] tok_stats_q
);
    localparam integer NW = `RG_SESSION_BYTES / 4;  // TABLE_DATA words
    localparam integer SWEEP = (1 << BUCKETS_LOG2) > SESSIONS ?
        ((1 << BUCKETS_LOG2) > ADJACENCIES ? (1 << BUCKETS_LOG2) : ADJACENCIES) :
        (SESSIONS > ADJACENCIES ? SESSIONS : ADJACENCIES);
    localparam [15:0] FP = `RG_FP_BASE;
    localparam [15:0] ID = `RG_ID_BASE;

    reg [31:0] control;
    reg [31:0] tbl_index, tbl_aux, tbl_status;
    reg [8*`RG_SESSION_BYTES-1:0] tbl_data;
    // the command in flight
    reg pending, inflight, overrun;
    reg [2:0] c_cmd;
    reg [31:0] c_index;
    reg c_bank;
    reg [1:0] c_slot;
    reg [8*`RG_SESSION_BYTES-1:0] c_data;
    reg [8*`RG_SESSION_BYTES-1:0] c_rdata;
    // reset sweep
    reg clearing;
    reg [31:0] sweep;
    reg [7:0] drain;

    assign tok_issue = clearing ? (sweep < SWEEP) : pending;
    assign tok_clear = clearing;
    assign tok_cmd = c_cmd;
    assign tok_index = clearing ? sweep : c_index;
    assign tok_bank = c_bank;
    assign tok_slot = c_slot;
    assign tok_data = c_data;
    wire busy = clearing || pending || inflight;

    // validity of a command (design: the C model's table functions)
    wire [2:0] w_cmd = csr_wdata[2:0];
    wire [7:0] w_bank = tbl_aux[15:8];
    wire [7:0] w_slot = tbl_aux[7:0];
    reg w_ok;
    always @(*) begin
        case (csr_wdata)
            `RG_TBL_WRITE_SESSION, `RG_TBL_READ_SESSION: w_ok = tbl_index < SESSIONS;
            `RG_TBL_WRITE_SLOT, `RG_TBL_READ_SLOT:
            w_ok = tbl_index < (1 << BUCKETS_LOG2) && w_bank < `RG_INDEX_BANKS && w_slot < `RG_BUCKET_SLOTS;
            `RG_TBL_WRITE_ADJ, `RG_TBL_READ_ADJ: w_ok = tbl_index < ADJACENCIES;
            default: w_ok = 1'b0;
        endcase
    end

    wire wr = csr_valid && csr_write;
    wire [15:0] fo16 = csr_addr - FP;  // offset inside the fast path block
    wire [31:0] fo = {16'b0, fo16};
    wire in_fp = fo16 < 16'h1000;
    assign cnt_index = fo[8:2] - 7'(`RG_FP_COUNTERS / 4);

    integer p;
    always @(posedge clk) begin
        if (rst) begin
            control <= 32'd0;
            tbl_index <= 32'd0;
            tbl_aux <= 32'd0;
            tbl_status <= 32'd0;
            tbl_data <= 0;
            tunnel_src <= 32'd0;
            secret <= 0;
            port_mac <= 0;
            port_promisc <= 0;
            port_vid <= 0;
            for (p = 0; p < `RG_PORT_COUNT; p = p + 1) port_mtu[16*p+:16] <= DEFAULT_MTU;
            pending <= 1'b0;
            inflight <= 1'b0;
            overrun <= 1'b0;
            clearing <= 1'b1;
            sweep <= 32'd0;
            drain <= 8'd0;
            c_cmd <= 3'd0;
            c_index <= 32'd0;
            c_bank <= 1'b0;
            c_slot <= 2'd0;
            c_data <= 0;
            c_rdata <= 0;
        end else begin
            // reset sweep
            if (clearing) begin
                if (sweep < SWEEP) sweep <= sweep + 32'd1;
                else if (drain < DRAIN[7:0]) drain <= drain + 8'd1;
                else clearing <= 1'b0;
            end
            // command issue and completion
            if (pending && !clearing) begin
                pending <= 1'b0;
                inflight <= 1'b1;
            end
            if (tok_cap_slot && c_cmd == `RG_TBL_READ_SLOT)
                c_rdata <= {{(8 * `RG_SESSION_BYTES - 64) {1'b0}}, tok_slot_q};
            if (tok_cap_body && c_cmd == `RG_TBL_READ_SESSION)
                c_rdata[8*`RG_SESSION_BODY_BYTES-1:0] <= tok_body_q;
            if (tok_cap_adj && c_cmd == `RG_TBL_READ_ADJ)
                c_rdata <= {{(8 * (`RG_SESSION_BYTES - `RG_ADJ_BYTES)) {1'b0}}, tok_adj_q};
            if (tok_done && inflight) begin
                inflight <= 1'b0;
                overrun <= 1'b0;
                tbl_status <= overrun ? 32'(`RG_TBL_ERROR) : 32'd0;
                case (c_cmd)
                    `RG_TBL_READ_SESSION: tbl_data <= {tok_stats_q, c_rdata[8*`RG_SESSION_BODY_BYTES-1:0]};
                    `RG_TBL_READ_SLOT, `RG_TBL_READ_ADJ: tbl_data <= c_rdata;
                    default: ;
                endcase
            end
            // register writes
            if (wr && in_fp) begin
                if (fo >= `RG_FP_TABLE_DATA && fo < `RG_FP_TABLE_DATA + 4 * NW)
                    tbl_data[32*fo[5:2]+:32] <= csr_wdata;
                for (p = 0; p < `RG_PORT_COUNT; p = p + 1) begin
                    if (fo == `RG_FP_PORT_MAC_LO_BASE + `RG_FP_PORT_MAC_STRIDE * p)
                        port_mac[48*p+:32] <= csr_wdata;
                    if (fo == `RG_FP_PORT_MAC_HI_BASE + `RG_FP_PORT_MAC_STRIDE * p)
                        port_mac[48*p+32+:16] <= csr_wdata[15:0];
                    if (fo == `RG_FP_PORT_MTU_BASE + `RG_FP_PORT_REG_STRIDE * p)
                        port_mtu[16*p+:16] <= csr_wdata[15:0];
                    if (fo == `RG_FP_PORT_FLAGS_BASE + `RG_FP_PORT_REG_STRIDE * p) begin
                        port_promisc[p] <= (csr_wdata & `RG_FPPORT_PROMISC) != 0;
                        port_vid[12*p+:12] <= csr_wdata[`RG_FPPORT_VID_SHIFT+:12];
                    end
                end
                if (fo >= `RG_FP_HASH_SECRET && fo < `RG_FP_HASH_SECRET + `RG_HASH_SECRET_BYTES)
                    secret[32*fo[4:2]+:32] <= csr_wdata;
                case (fo)
                    `RG_FP_CONTROL: control <= csr_wdata & `RG_FPCTL_ENABLE;
                    `RG_FP_TABLE_INDEX: tbl_index <= csr_wdata;
                    `RG_FP_TABLE_AUX: tbl_aux <= csr_wdata;
                    `RG_FP_TUNNEL_SRC: tunnel_src <= csr_wdata;
                    `RG_FP_TABLE_CMD:
                    if (busy) overrun <= 1'b1;
                    else if (!w_ok) tbl_status <= `RG_TBL_ERROR;
                    else begin
                        pending <= 1'b1;
                        tbl_status <= `RG_TBL_BUSY;
                        c_cmd <= w_cmd;
                        c_index <= tbl_index;
                        c_bank <= w_bank[0];
                        c_slot <= w_slot[1:0];
                        c_data <= tbl_data;
                    end
                    default: ;
                endcase
            end
        end
    end

    // reads
    reg [31:0] rd;
    wire [15:0] io16 = csr_addr - ID;  // offset inside the ID block
    wire [31:0] io = {16'b0, io16};
    always @(*) begin
        rd = 32'd0;
        if (io16 < 16'h100) begin
            case (io)
                `RG_RB_TYPE: rd = `RG_RB_TYPE_ID;
                `RG_RB_VERSION: rd = `RG_ID_VERSION;
                `RG_RB_NEXT: rd = ID_NEXT;
                `RG_ID_CONTRACT: rd = `RG_CONTRACT_VERSION;
                `RG_ID_FW_VERSION: rd = fw_version;
                `RG_ID_RTL_VERSION: rd = RTL_VERSION;
                `RG_ID_BUILD_DATE: rd = build_date;
                `RG_ID_GIT_HASH: rd = git_hash;
                `RG_ID_FEATURES_LO: rd = FEATURES[31:0];
                `RG_ID_FEATURES_HI: rd = FEATURES[63:32];
                `RG_ID_PORTS: rd = `RG_PORT_COUNT;
                `RG_ID_FASTPATH: rd = `RG_FASTPATH_RTL;
                `RG_ID_SESSIONS: rd = SESSIONS;
                `RG_ID_SERIAL: rd = SERIAL;
                default: ;
            endcase
        end else if (in_fp) begin
            if (fo >= `RG_FP_TABLE_DATA && fo < `RG_FP_TABLE_DATA + 4 * NW) rd = tbl_data[32*fo[5:2]+:32];
            if (fo >= `RG_FP_COUNTERS && fo < `RG_FP_COUNTERS + 4 * `RG_FPC_COUNT) rd = cnt_value;
            if (fo >= `RG_FP_HASH_SECRET && fo < `RG_FP_HASH_SECRET + `RG_HASH_SECRET_BYTES)
                rd = secret[32*fo[4:2]+:32];
            for (p = 0; p < `RG_PORT_COUNT; p = p + 1) begin
                if (fo == `RG_FP_PORT_MAC_LO_BASE + `RG_FP_PORT_MAC_STRIDE * p) rd = port_mac[48*p+:32];
                if (fo == `RG_FP_PORT_MAC_HI_BASE + `RG_FP_PORT_MAC_STRIDE * p)
                    rd = {16'd0, port_mac[48*p+32+:16]};
                if (fo == `RG_FP_PORT_MTU_BASE + `RG_FP_PORT_REG_STRIDE * p) rd = {16'd0, port_mtu[16*p+:16]};
                if (fo == `RG_FP_PORT_FLAGS_BASE + `RG_FP_PORT_REG_STRIDE * p)
                    rd = (port_promisc[p] ? `RG_FPPORT_PROMISC : 32'd0) |
                         ({20'd0, port_vid[12*p+:12]} << `RG_FPPORT_VID_SHIFT);
            end
            case (fo)
                `RG_RB_TYPE: rd = `RG_RB_TYPE_FASTPATH;
                `RG_RB_VERSION: rd = `RG_FP_VERSION;
                `RG_FP_CONTROL: rd = control;
                `RG_FP_BUCKETS_LOG2: rd = BUCKETS_LOG2;
                `RG_FP_SESSIONS: rd = SESSIONS;
                `RG_FP_ADJACENCIES: rd = ADJACENCIES;
                `RG_FP_TABLE_INDEX: rd = tbl_index;
                `RG_FP_TABLE_AUX: rd = tbl_aux;
                `RG_FP_TABLE_STATUS: rd = tbl_status | (busy ? `RG_TBL_BUSY : 32'd0);
                `RG_FP_TUNNEL_SRC: rd = tunnel_src;
                default: ;
            endcase
        end
    end
    always @(posedge clk) if (csr_valid && !csr_write) csr_rdata <= rd;
endmodule
